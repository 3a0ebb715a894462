// Light browser harness: renders the outputs of an executed notebook with JupyterLab's
// RenderMimeRegistry and OutputArea plus the MARBLE renderers — no server, no kernel.
// Usage: index.html?notebook=<url of an .ipynb>
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { OutputArea, OutputAreaModel } from '@jupyterlab/outputarea';
import { Widget } from '@lumino/widgets';
import '@jupyterlab/theme-light-extension/style/variables.css';
import '@jupyterlab/rendermime/style/index.css';
import '@jupyterlab/outputarea/style/index.css';
import marbleExtensions from '../lib/index.js';

async function main() {
  const url = new URLSearchParams(window.location.search).get('notebook');
  const notebook = await (await fetch(url)).json();
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
  for (const ext of marbleExtensions) rendermime.addFactory(ext.rendererFactory, ext.rank);
  const host = document.getElementById('cells');
  let count = 0;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code' || !cell.outputs || !cell.outputs.length) continue;
    const model = new OutputAreaModel({ values: cell.outputs, trusted: false });
    const area = new OutputArea({ model, rendermime });
    area.addClass('harness-cell');
    Widget.attach(area, host);
    count++;
  }
  window.harness = { ready: true, cells: count };
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  window.harness = { ready: false, error: String(e && e.stack ? e.stack : e) };
  document.body.dataset.ready = 'error';
});
