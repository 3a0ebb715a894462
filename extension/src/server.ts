// Requests to the Jupyter server that serves the page, with its base URL, token and XSRF
// cookie (JupyterLab's ServerConnection). JupyterLab's packages are loaded on first use only:
// a page that renders the figures without JupyterLab's shared packages still loads.

/** A request to `path` under the server's base URL (path segments are encoded). */
export async function serverRequest(path: string, init: RequestInit, query = ""): Promise<Response> {
  const [{ URLExt }, { ServerConnection }] = await Promise.all([import("@jupyterlab/coreutils"), import("@jupyterlab/services")]);
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, URLExt.encodeParts(path)) + query;
  return ServerConnection.makeRequest(url, init, settings);
}

/** An option the server put in the page's configuration (empty when absent). */
export async function pageOption(name: string): Promise<string> {
  const { PageConfig } = await import("@jupyterlab/coreutils");
  return PageConfig.getOption(name);
}
