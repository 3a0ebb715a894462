/** The library version, recorded in checkpoints and notebook metadata. */
export const VERSION = "0.1.0";
