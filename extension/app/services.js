// The lab's service manager, fitted to the Jupyter Server that serves it. Debian 12's Jupyter
// Server 1.23 has neither the events API (/api/events, Jupyter Server 2) nor the identity API
// (/api/me, Jupyter Server 2): JupyterLab's default managers would retry both for ever and fill
// the console with 404s. app/main.py tells the page which of the two its server has
// (page_config `marbleServerApis`); for the missing ones, the managers below answer locally.
import { PageConfig } from '@jupyterlab/coreutils';
import { IKernelManager, ServerConnection, ServiceManager, UserManager } from '@jupyterlab/services';
import { Stream } from '@lumino/signaling';

/** An event manager for a server without the events API: no socket, nothing to receive. */
class NoServerEvents {
  constructor(serverSettings) {
    this.serverSettings = serverSettings;
    this._stream = new Stream(this);
    this._disposed = false;
  }
  get isDisposed() {
    return this._disposed;
  }
  get stream() {
    return this._stream;
  }
  async emit() {
    throw new Error('this Jupyter Server has no events API (it needs Jupyter Server 2)');
  }
  dispose() {
    if (this._disposed) return;
    this._disposed = true;
    this._stream.stop();
  }
}

/** The one local user of a token-protected single-user server, as /api/me would describe them. */
class LocalUserClient {
  constructor(serverSettings) {
    this.serverSettings = serverSettings;
  }
  async get() {
    const name = PageConfig.getOption('marbleUserName') || 'user';
    return {
      identity: { username: name, name, display_name: name, initials: name.slice(0, 1).toUpperCase(), avatar_url: null, color: null },
      permissions: {},
    };
  }
}

export function createServiceManager() {
  let apis = { events: true, identity: true };
  try {
    apis = { ...apis, ...JSON.parse(PageConfig.getOption('marbleServerApis') || '{}') };
  } catch {
    // an unreadable option: assume a full Jupyter Server 2
  }
  const serverSettings = ServerConnection.makeSettings();
  const options = { standby: 'when-hidden', serverSettings };
  return new ServiceManager({
    ...options,
    ...(apis.events ? {} : { events: new NoServerEvents(serverSettings) }),
    ...(apis.identity ? {} : { user: new UserManager({ ...options, userApiClient: new LocalUserClient(serverSettings) }) }),
  });
}

/**
 * Plugins offering the service manager's parts under JupyterLab's tokens, as
 * @jupyterlab/services-extension does in JupyterLab itself (the kernel settings plugin, for
 * one, applies its kernelInfoTimeout through IKernelManager and warns when nobody provides it).
 */
export const servicePlugins = [
  { id: 'marble-lab:kernel-manager', description: 'The kernel manager of the lab.', autoStart: true, provides: IKernelManager, activate: (app) => app.serviceManager.kernels },
];
