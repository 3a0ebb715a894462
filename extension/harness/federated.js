// Entry of the federated test host: shared modules must be initialised before use, so the
// page's code loads asynchronously.
import('./federated-main.js');
