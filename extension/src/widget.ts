// The renderer widget shared by the three MIME types: a toolbar (status, a 2-D view for
// selecting in 3-D latent spaces, "save figure" beside the notebook, PNG/SVG downloads) above a
// Plotly plot, wired to the page-wide selection bus.
import { Widget } from "@lumino/widgets";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { DISTANCES_MIME, FLOWFIELD_MIME, LATENT_MIME, type MarblePayload } from "./payload";
import type { Figure } from "./figure";
import { buildFlowField } from "./flowfield";
import { buildLatent, viewFromCamera } from "./latent";
import { renderPublication, saveBesideNotebook } from "./save";
import { buildDistances } from "./distances";
import { selectionBus, type SelectionEvent } from "./selection";

let plotlyPromise: Promise<any> | undefined;

/** Plotly is large: load it once, on the first figure. */
export function loadPlotly(): Promise<any> {
  plotlyPromise ??= import(/* webpackChunkName: "marble-plotly" */ "plotly.js-dist-min").then((m: any) => m.default ?? m);
  return plotlyPromise;
}

const EXPECTED_KIND: Record<string, string> = { [FLOWFIELD_MIME]: "flowfield", [LATENT_MIME]: "latent", [DISTANCES_MIME]: "distances" };

/** Builds the Plotly figure for a payload of the given MIME type; throws on bad payloads. */
export function buildFigure(mimeType: string, payload: MarblePayload, view?: import("./latent").LatentView): Figure {
  if (!payload || typeof payload !== "object") throw new Error("payload is not an object");
  if (payload.version !== 1) throw new Error(`payload version ${String((payload as { version?: unknown }).version)} is not supported (expected 1); update the extension`);
  if (payload.kind !== EXPECTED_KIND[mimeType]) throw new Error(`payload kind "${payload.kind}" does not match ${mimeType}`);
  switch (payload.kind) {
    case "flowfield":
      return buildFlowField(payload);
    case "latent":
      return buildLatent(payload, view);
    case "distances":
      return buildDistances(payload);
  }
}

let widgetCount = 0;

export class MarbleFigureWidget extends Widget implements IRenderMime.IRenderer {
  readonly mimeType: string;
  private readonly figureId = `marble-figure-${++widgetCount}`;
  private readonly plotDiv: HTMLDivElement;
  private readonly status: HTMLSpanElement;
  private plotly: any = null;
  private figure: Figure | null = null;
  private datasetId = "";
  private unsubscribe: (() => void) | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private lastWidth = 0;
  private fileName = "figure";
  private payload: MarblePayload | null = null;
  private readonly resolver: IRenderMime.IResolver | null;
  private readonly viewButton: HTMLButtonElement;
  private readonly saveButton: HTMLButtonElement;
  /** Whether a 3-D latent space is shown as its 2-D view (for box and lasso selection). */
  private flat = false;
  /** The 3-D camera when the 2-D view was taken, restored on the way back. */
  private camera: any = null;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.resolver = options.resolver ?? null;
    this.addClass("marble-figure");
    this.node.dataset.figureId = this.figureId;
    const toolbar = document.createElement("div");
    toolbar.className = "marble-toolbar";
    this.status = document.createElement("span");
    this.status.className = "marble-status";
    toolbar.appendChild(this.status);
    this.viewButton = document.createElement("button");
    this.viewButton.className = "marble-view";
    this.viewButton.hidden = true;
    this.viewButton.addEventListener("click", () => void this.toggleView());
    toolbar.appendChild(this.viewButton);
    this.saveButton = document.createElement("button");
    this.saveButton.className = "marble-save";
    this.saveButton.textContent = "Save figure";
    this.saveButton.title = "Save this figure beside the notebook as SVG, PDF and PNG (300 dpi), at a journal column's width in millimetres";
    this.saveButton.addEventListener("click", () => void this.saveFigure());
    toolbar.appendChild(this.saveButton);
    for (const format of ["png", "svg"] as const) {
      const button = document.createElement("button");
      button.className = "marble-export";
      button.dataset.format = format;
      button.textContent = format.toUpperCase();
      button.title = `Download this figure as ${format.toUpperCase()}`;
      button.addEventListener("click", () => void this.exportImage(format));
      toolbar.appendChild(button);
    }
    this.plotDiv = document.createElement("div");
    this.plotDiv.className = "marble-plot";
    this.node.appendChild(toolbar);
    this.node.appendChild(this.plotDiv);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = model.data[this.mimeType] as unknown as MarblePayload;
    this.payload = payload;
    this.flat = false;
    this.camera = null;
    await this.draw();
  }

  /** Builds and plots the figure of the current payload (3-D latents flat when `this.flat`). */
  private async draw(): Promise<void> {
    const payload = this.payload!;
    let figure: Figure;
    try {
      figure = buildFigure(this.mimeType, payload, this.flat ? viewFromCamera(this.camera) : undefined);
    } catch (e) {
      this.showError(e as Error);
      return;
    }
    if (!this.flat && this.camera && figure.layout.scene) figure.layout.scene.camera = this.camera;
    this.figure = figure;
    const is3dLatent = payload.kind === "latent" && payload.dim === 3;
    this.viewButton.hidden = !is3dLatent;
    this.viewButton.textContent = this.flat ? "3-D view" : "2-D view to select";
    this.viewButton.title = this.flat ? "Back to the rotatable 3-D view" : "Show the current 3-D view flat, to select nodes with the box or lasso";
    this.node.dataset.view = is3dLatent ? (this.flat ? "2d" : "3d") : "";
    this.fileName = (payload.title || payload.kind).replace(/[^\w.-]+/g, "_");
    this.node.dataset.kind = payload.kind;
    this.node.dataset.datasetId = payload.datasetId;
    const Plotly = (this.plotly = await loadPlotly());
    this.plotDiv.style.height = `${figure.height}px`;
    // replacing the plot drops its own box or lasso, and Plotly reports that as a deselection:
    // not the user's, so it must not clear the dataset's selection everywhere
    this.quiet = true;
    try {
      await Plotly.react(this.plotDiv, figure.data, { ...figure.layout, ...this.themeLayout(), height: figure.height, autosize: true }, { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["toImage"] });
    } finally {
      this.quiet = false;
    }
    this.node.dataset.rendered = "true";
    this.listenToPlot();
    if (payload.datasetId !== this.datasetId) {
      this.unsubscribe?.();
      this.datasetId = payload.datasetId;
      this.unsubscribe = selectionBus.subscribe(this.datasetId, (ev) => void this.onSelection(ev));
    }
    const current = selectionBus.current(this.datasetId);
    this.setStatus("");
    if (current && current.nodeIds) {
      // a selection made here in the other view is shown as highlights in this one
      const shown = await this.drawHighlights(current.nodeIds);
      this.setStatus(this.highlightStatus(current.nodeIds, shown, current.source === this.figureId ? "selected" : "linked"));
    }
  }

  /** Switches a 3-D latent space between its rotatable view and a flat view of it. */
  async toggleView(): Promise<void> {
    if (!this.plotly || !this.payload) return;
    if (!this.flat) this.camera = (this.plotDiv as any)._fullLayout?.scene?.camera ?? null;
    this.flat = !this.flat;
    await this.draw();
  }

  /** Saves the figure beside the notebook (SVG, PDF and PNG in publication style). */
  async saveFigure(): Promise<string[]> {
    if (!this.plotly || !this.figure) return [];
    this.saveButton.disabled = true;
    delete this.node.dataset.saveError;
    try {
      const layout = this.figure.layout;
      const panels = layout.grid ? layout.grid.rows * layout.grid.columns : Object.keys(layout).filter((k) => /^scene\d*$/.test(k)).length || 1;
      const image = await renderPublication(this.plotly, this.plotDiv, this.payload?.kind === "distances" ? 2 : panels);
      const { paths, notes } = await saveBesideNotebook(this.resolver, this.fileName, image);
      this.node.dataset.saved = paths.join("\n");
      if (notes.length) this.node.dataset.saveNote = notes.join("\n");
      else delete this.node.dataset.saveNote;
      this.setStatus(`saved ${paths.join(", ")} (${image.widthMm} × ${image.heightMm} mm)${notes.length ? `; ${notes.join("; ")}` : ""}`);
      return paths;
    } catch (e) {
      this.setStatus(`not saved: ${(e as Error).message}`);
      this.node.dataset.saveError = (e as Error).message;
      return [];
    } finally {
      this.saveButton.disabled = false;
    }
  }

  private listened = false;

  /** Box/lasso selection → node ids → every figure of the same dataset. */
  private listenToPlot(): void {
    if (this.listened) return;
    this.listened = true;
    const gd = this.plotDiv as any;
    gd.on("plotly_selected", (ev: { points?: { curveNumber: number; pointIndex?: number; pointNumber?: number }[] } | undefined) => {
      if (this.quiet || !this.figure || !ev || !ev.points) return;
      // this figure now shows the selection natively: drop highlights drawn for an earlier one
      void this.drawHighlights(null);
      const ids = new Set<number>();
      for (const pt of ev.points) {
        const nodeIds = this.figure.selectable.get(pt.curveNumber);
        const k = pt.pointIndex ?? pt.pointNumber;
        if (nodeIds && k !== undefined) ids.add(nodeIds[k]);
      }
      this.setStatus(`${ids.size} node${ids.size === 1 ? "" : "s"} selected`);
      selectionBus.publish({ datasetId: this.datasetId, nodeIds: ids, source: this.figureId });
    });
    gd.on("plotly_deselect", () => {
      if (this.quiet) return;
      this.setStatus("");
      selectionBus.publish({ datasetId: this.datasetId, nodeIds: null, source: this.figureId });
    });
  }

  /** True while this figure changes its own selection, so Plotly's events are not re-published. */
  private quiet = false;

  private async onSelection(ev: SelectionEvent): Promise<void> {
    if (ev.source === this.figureId || !this.figure || !this.plotly) return;
    await this.clearNativeSelection();
    const shown = await this.drawHighlights(ev.nodeIds);
    this.setStatus(ev.nodeIds ? this.highlightStatus(ev.nodeIds, shown, "linked") : "");
  }

  /** "12 linked nodes highlighted", and how many places they occupy when some coincide. */
  private highlightStatus(_ids: Set<number>, shown: number, what: "linked" | "selected"): string {
    const places = Number(this.node.dataset.highlightedPlaces ?? shown);
    const text = what === "linked" ? `${shown} linked node${shown === 1 ? "" : "s"} highlighted` : `${shown} node${shown === 1 ? "" : "s"} selected`;
    return places < shown ? `${text} (at ${places} distinct position${places === 1 ? "" : "s"}: nodes there coincide)` : text;
  }

  /** Removes this figure's own box/lasso selection (one selection per dataset at a time). */
  private async clearNativeSelection(): Promise<void> {
    const gd = this.plotDiv as any;
    const hasSelection = (gd.layout?.selections?.length ?? 0) > 0 || (gd.data ?? []).some((t: any) => t.selectedpoints != null);
    if (!hasSelection) return;
    this.quiet = true;
    try {
      await this.plotly.update(this.plotDiv, { selectedpoints: [null] }, { selections: [] });
    } finally {
      this.quiet = false;
    }
  }

  /**
   * Draws the given node ids into the highlight traces, and fades the other points while a
   * selection is shown so that every highlighted node stands out; returns how many points
   * were drawn (and records in data-highlighted-places how many distinct positions they take).
   */
  private async drawHighlights(nodeIds: Set<number> | null): Promise<number> {
    if (!this.figure || !this.plotly) return 0;
    let shown = 0;
    const places = new Set<string>();
    for (const target of this.figure.highlights) {
      const keep: number[] = [];
      if (nodeIds) for (let i = 0; i < target.ids.length; i++) if (nodeIds.has(target.ids[i])) keep.push(i);
      for (const i of keep) places.add(`${target.trace}:` + target.coords.map((c) => c[i].toPrecision(4)).join(","));
      if (keep.length === 0 && ((this.plotDiv as any).data?.[target.trace]?.x?.length ?? 0) === 0) continue;
      shown += keep.length;
      const update: Record<string, number[][]> = {};
      ["x", "y", "z"].slice(0, target.coords.length).forEach((axis, j) => {
        update[axis] = [keep.map((i) => target.coords[j][i])];
      });
      await this.plotly.restyle(this.plotDiv, update, [target.trace]);
    }
    await this.fadeOthers(nodeIds !== null && shown > 0);
    this.node.dataset.highlighted = String(shown);
    this.node.dataset.highlightedPlaces = String(places.size);
    return shown;
  }

  private faded = false;

  /** Lowers the opacity of the node traces while highlights are shown, and restores it. */
  private async fadeOthers(fade: boolean): Promise<void> {
    if (fade === this.faded || !this.figure) return;
    this.faded = fade;
    const traces: number[] = [];
    const opacity: number[] = [];
    this.figure.data.forEach((t, k) => {
      if (t.meta !== "nodes") return;
      const base = t.marker?.opacity ?? 1;
      traces.push(k);
      opacity.push(fade ? Math.min(base, 0.2) : base);
    });
    if (traces.length) await this.plotly.restyle(this.plotDiv, { "marker.opacity": opacity }, traces);
  }

  /** Background and text colours from the JupyterLab theme (light or dark), when present. */
  private themeLayout(): Record<string, unknown> {
    const style = getComputedStyle(this.node);
    const bg = style.getPropertyValue("--jp-layout-color0").trim();
    const fg = style.getPropertyValue("--jp-ui-font-color1").trim();
    const grid = style.getPropertyValue("--jp-border-color2").trim();
    if (!bg || !fg) return {};
    const axis = { gridcolor: grid || undefined, zerolinecolor: grid || undefined, linecolor: grid || undefined };
    const layout: Record<string, unknown> = { paper_bgcolor: bg, plot_bgcolor: bg, font: { color: fg } };
    for (const key of Object.keys(this.figure?.layout ?? {})) {
      if (/^[xy]axis\d*$/.test(key)) layout[key] = { ...this.figure!.layout[key], ...axis };
      if (/^scene\d*$/.test(key)) {
        const scene = this.figure!.layout[key];
        layout[key] = { ...scene, xaxis: { ...scene.xaxis, ...axis }, yaxis: { ...scene.yaxis, ...axis }, zaxis: { ...scene.zaxis, ...axis } };
      }
    }
    return layout;
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }

  private showError(e: Error): void {
    this.node.dataset.error = "true";
    this.plotDiv.textContent = "";
    const pre = document.createElement("pre");
    pre.className = "marble-error";
    pre.textContent = `Cannot render ${this.mimeType}: ${e.message}`;
    this.plotDiv.appendChild(pre);
  }

  /** Downloads the figure through Plotly's image export (WebGL layers are rasterised into SVG). */
  async exportImage(format: "png" | "svg"): Promise<void> {
    if (!this.plotly || !this.figure) return;
    const full = (this.plotDiv as any)._fullLayout;
    await this.plotly.downloadImage(this.plotDiv, {
      format,
      filename: this.fileName,
      width: full?.width ?? 800,
      height: full?.height ?? this.figure.height,
      scale: format === "png" ? 2 : 1,
    });
  }

  protected override onAfterAttach(): void {
    if (typeof ResizeObserver === "undefined") return;
    this.resizeObserver = new ResizeObserver(() => {
      const width = this.node.clientWidth;
      if (this.plotly && this.figure && width > 0 && width !== this.lastWidth) {
        this.lastWidth = width;
        this.plotly.Plots.resize(this.plotDiv);
      }
    });
    this.resizeObserver.observe(this.node);
  }

  protected override onBeforeDetach(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.unsubscribe?.();
    this.resizeObserver?.disconnect();
    if (this.plotly) this.plotly.purge(this.plotDiv);
    super.dispose();
  }
}
