// A page-wide selection bus: figures of the same dataset share node ids, and a box or
// lasso selection in one is shown in all the others. One instance per page, because the
// extension module is loaded once.

/** A selection message: the chosen node ids, or null when the selection is cleared. */
export interface SelectionEvent {
  datasetId: string;
  nodeIds: Set<number> | null;
  /** Id of the figure where the selection was made (it does not redraw itself). */
  source: string;
}

type Listener = (event: SelectionEvent) => void;

export class SelectionBus {
  private listeners = new Map<string, Set<Listener>>();
  private last = new Map<string, SelectionEvent>();

  /** Registers a listener for one dataset; returns the function that removes it. */
  subscribe(datasetId: string, listener: Listener): () => void {
    let set = this.listeners.get(datasetId);
    if (!set) this.listeners.set(datasetId, (set = new Set()));
    set.add(listener);
    return () => {
      set!.delete(listener);
    };
  }

  publish(event: SelectionEvent): void {
    this.last.set(event.datasetId, event);
    for (const listener of [...(this.listeners.get(event.datasetId) ?? [])]) listener(event);
  }

  /** The latest selection of a dataset, so a figure rendered later starts in sync. */
  current(datasetId: string): SelectionEvent | undefined {
    return this.last.get(datasetId);
  }
}

export const selectionBus = new SelectionBus();
