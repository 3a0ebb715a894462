export * from "./rnn-weights.js";
