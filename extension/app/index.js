// MarbleLab's JupyterLab 4 application: the standard notebook plugins plus the MARBLE
// mime renderers, bundled with webpack and served by jupyterlab_server (app/main.py).
import { PageConfig } from '@jupyterlab/coreutils';
import { createServiceManager, servicePlugins } from './services.js';

// The public path must be set before any CSS or lazy chunk loads.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption('fullStaticUrl') + '/';

const styles = import('../build/app/style.js');

function pluginsOf(mod) {
  const exports = Object.prototype.hasOwnProperty.call(mod, '__esModule') ? mod.default : mod;
  return Array.isArray(exports) ? exports : [exports];
}

const withoutLanguageServer = (mod) => pluginsOf(mod).filter(({ id }) => !id.includes(':language-server'));

window.addEventListener('load', async () => {
  await styles;
  const { JupyterLab } = await import('@jupyterlab/application');
  const extensions = await Promise.all([
    import('@jupyterlab/application-extension'),
    // no news pop-up asking to contact jupyter.org: this app works offline
    import('@jupyterlab/apputils-extension').then((m) => pluginsOf(m).filter(({ id }) => !id.includes(':announcements'))),
    import('@jupyterlab/codemirror-extension'),
    import('@jupyterlab/completer-extension'),
    import('@jupyterlab/console-extension'),
    import('@jupyterlab/docmanager-extension'),
    import('@jupyterlab/documentsearch-extension'),
    import('@jupyterlab/filebrowser-extension'),
    import('@jupyterlab/fileeditor-extension').then(withoutLanguageServer),
    import('@jupyterlab/help-extension'),
    import('@jupyterlab/launcher-extension'),
    import('@jupyterlab/mainmenu-extension'),
    import('@jupyterlab/markdownviewer-extension'),
    import('@jupyterlab/markedparser-extension'),
    import('@jupyterlab/mathjax-extension'),
    import('@jupyterlab/metadataform-extension'),
    import('@jupyterlab/notebook-extension').then(withoutLanguageServer),
    import('@jupyterlab/rendermime-extension'),
    import('@jupyterlab/running-extension'),
    import('@jupyterlab/settingeditor-extension'),
    import('@jupyterlab/shortcuts-extension'),
    import('@jupyterlab/statusbar-extension'),
    import('@jupyterlab/theme-dark-extension'),
    import('@jupyterlab/theme-light-extension'),
    import('@jupyterlab/toc-extension'),
    import('@jupyterlab/tooltip-extension'),
    import('@jupyterlab/translation-extension'),
    import('@jupyterlab/ui-components-extension'),
  ]);
  const mimeExtensions = await Promise.all([import('@jupyterlab/json-extension'), import('../lib/index.js')]);
  const lab = new JupyterLab({ mimeExtensions: mimeExtensions.map((m) => (m.default ? m.default : m)), serviceManager: createServiceManager() });
  lab.registerPlugins([...servicePlugins, ...extensions.map((m) => (Array.isArray(m) ? m : pluginsOf(m))).flat()]);
  await lab.start();
  await lab.restored;
  // the name JupyterLab's own UI tests (Galata) use to reach the application from a page
  window.jupyterapp = lab;
  document.body.dataset.labReady = 'true';
  // eslint-disable-next-line no-console
  console.log('MarbleLab ready');
});
