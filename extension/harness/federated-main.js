// Loads the prebuilt extension (extension/labextension) the way JupyterLab loads federated
// extensions — remoteEntry script, shared-scope init, './mimeExtension' — and renders a
// notebook's outputs with it. Usage: federated.html?notebook=<url>&labextension=<url of the folder>
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { Widget } from '@lumino/widgets';
import '@jupyterlab/theme-light-extension/style/variables.css';
import '@jupyterlab/rendermime/style/index.css';
import '@jupyterlab/outputarea/style/index.css';

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${url}`));
    document.head.appendChild(script);
  });
}

async function loadMimeExtension(folder) {
  const pkg = await (await fetch(`${folder}/package.json`)).json();
  await loadScript(`${folder}/${pkg.jupyterlab._build.load}`);
  // eslint-disable-next-line no-undef
  await __webpack_init_sharing__('default');
  const container = window._JUPYTERLAB[pkg.name];
  // eslint-disable-next-line no-undef
  await container.init(__webpack_share_scopes__.default);
  const factory = await container.get(pkg.jupyterlab._build.mimeExtension);
  const mod = factory();
  return { name: pkg.name, extensions: mod.default };
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  const { name, extensions } = await loadMimeExtension(params.get('labextension'));
  const notebook = await (await fetch(params.get('notebook'))).json();
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
  for (const ext of extensions) rendermime.addFactory(ext.rendererFactory, ext.rank);
  const host = document.getElementById('cells');
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code' || !cell.outputs || !cell.outputs.length) continue;
    const area = new OutputArea({ model: new OutputAreaModel({ values: cell.outputs, trusted: false }), rendermime });
    Widget.attach(area, host);
  }
  window.harness = { ready: true, extension: name, mimeTypes: extensions.flatMap((e) => e.rendererFactory.mimeTypes) };
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  window.harness = { ready: false, error: String(e && e.stack ? e.stack : e) };
  document.body.dataset.ready = 'error';
});
