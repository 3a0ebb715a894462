/** A named array of trainable values (or a buffer such as batch-norm running statistics) with its gradient. */
export interface Tensor {
  readonly name: string;
  readonly shape: number[];
  readonly data: Float64Array;
  /** Accumulated gradient (same length as data); null for buffers that are not trained. */
  readonly grad: Float64Array | null;
}

export function parameter(name: string, shape: number[], data?: Float64Array): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: data ?? new Float64Array(size), grad: new Float64Array(size) };
}

export function buffer(name: string, shape: number[], data?: Float64Array): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: data ?? new Float64Array(size), grad: null };
}
