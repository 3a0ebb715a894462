/**
 * The training log of `marble fit`: a short legend and a header naming the columns once, then one
 * aligned row per epoch. On a terminal, Marble.fit draws its progress bar on the last line; each
 * row first clears that line so the rows scroll above the bar.
 */
import type { EpochReport } from "../model/marble.js";

interface Column {
  title: string;
  width: number;
  cell: (r: EpochReport) => string;
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

/** Three significant digits in at most 8 characters ("0.0100", "7.11e-5"). */
function short(v: number): string {
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}

export class EpochLog {
  private readonly columns: Column[];
  private readonly write: (text: string) => void;
  private readonly clearLine: string;
  private best = Infinity;

  /**
   * `lastEpoch` is the highest epoch number the run will print (epochs count on over resumed
   * runs); `diffusion` whether the model learns a diffusion time; `bestSoFar` the lowest
   * validation loss of earlier runs of a resumed model.
   */
  constructor(options: { lastEpoch: number; diffusion: boolean; terminal: boolean; write: (text: string) => void; bestSoFar?: number }) {
    this.best = options.bestSoFar ?? Infinity;
    this.write = options.write;
    this.clearLine = options.terminal ? "\r\x1b[K" : "";
    const columns: Column[] = [
      { title: "epoch", width: Math.max(5, String(options.lastEpoch).length), cell: (r) => String(r.epoch) },
      { title: "train loss", width: 10, cell: (r) => fixed(r.trainLoss, 4) },
      { title: "val. loss", width: 10, cell: (r) => fixed(r.valLoss, 4) },
      { title: "lr", width: 8, cell: (r) => short(r.lr) },
    ];
    if (options.diffusion) columns.push({ title: "t", width: 8, cell: (r) => short(r.diffusionTime) });
    columns.push({ title: "seconds", width: 7, cell: (r) => r.seconds.toFixed(2) });
    this.columns = columns;
  }

  private line(cells: string[]): string {
    return cells.map((c, i) => c.padStart(this.columns[i].width)).join("  ");
  }

  /** The legend and the column titles, printed once before the first epoch. */
  header(): void {
    const legend = [
      "train loss, val. loss: contrastive loss on the training and validation points (lower is better)",
      "lr: learning rate (cut tenfold when the training loss stops improving)",
    ];
    if (this.columns.some((c) => c.title === "t")) {
      // exp(-tL) with the random-walk Laplacian L = I - P is sum_k e^-t t^k/k! P^k: the average over
      // walks whose number of steps is Poisson-distributed with mean t
      legend.push("t: diffusion time (learned): vectors are averaged over graph random walks of mean length t");
    }
    legend.push("*: lowest validation loss so far; the checkpoint keeps the last epoch marked *");
    this.write(`${this.clearLine}${legend.join("\n")}\n\n${this.line(this.columns.map((c) => c.title))}\n`);
  }

  /** One row; marks the epoch whose validation loss is the lowest so far. */
  row(report: EpochReport): void {
    const score = Number.isFinite(report.valLoss) ? report.valLoss : report.trainLoss;
    const improved = score < this.best;
    if (improved) this.best = score;
    this.write(`${this.clearLine}${this.line(this.columns.map((c) => c.cell(report)))}${improved ? "  *" : ""}\n`);
  }
}
