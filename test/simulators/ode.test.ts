import { test } from "node:test";
import assert from "node:assert/strict";
import { dormandPrince, rk4, vanDerPolField, ValidationError, type OdeRhs } from "../../src/index.js";

const oscillator: OdeRhs = (_t, y, out) => {
  out[0] = y[1];
  out[1] = -y[0];
};

test("Dormand–Prince matches cos t / exp(t²/2) at dense output times within tolerance", () => {
  const times = Array.from({ length: 101 }, (_, i) => i * 0.2);
  const { y, stats } = dormandPrince(oscillator, [1, 0], times, { rtol: 1e-10, atol: 1e-12 });
  let err = 0;
  times.forEach((t, i) => (err = Math.max(err, Math.abs(y.get(i, 0) - Math.cos(t)), Math.abs(y.get(i, 1) + Math.sin(t)))));
  assert.ok(err < 1e-8, `oscillator error ${err}`);
  assert.ok(stats.rejected < stats.accepted);
  // dense output: at a loose tolerance the steps are longer than the output spacing
  const loose = dormandPrince(oscillator, [1, 0], times, { rtol: 1e-4, atol: 1e-8 });
  assert.ok(loose.stats.accepted < times.length / 2, `accepted ${loose.stats.accepted}`);
  let looseErr = 0;
  times.forEach((t, i) => (looseErr = Math.max(looseErr, Math.abs(loose.y.get(i, 0) - Math.cos(t)))));
  assert.ok(looseErr < 1e-2, `loose error ${looseErr}`);

  const growth: OdeRhs = (t, s, out) => {
    out[0] = t * s[0];
  };
  const tt = [0, 0.3, 0.7, 1.1, 1.5, 2];
  let prev = Infinity;
  for (const rtol of [1e-4, 1e-7, 1e-10]) {
    const r = dormandPrince(growth, [1], tt, { rtol, atol: 1e-14 });
    let rel = 0;
    tt.forEach((t, i) => (rel = Math.max(rel, Math.abs(r.y.get(i, 0) / Math.exp((t * t) / 2) - 1))));
    assert.ok(rel < 50 * rtol, `rtol ${rtol}: relative error ${rel}`);
    assert.ok(rel < prev, "tighter tolerance gives a smaller error");
    prev = rel;
  }
});

test("RK4 converges at fourth order", () => {
  const errAt = (substeps: number) => {
    const y = rk4(oscillator, [1, 0], [0, 5], { substeps });
    return Math.abs(y.get(1, 0) - Math.cos(5));
  };
  const ratio = errAt(50) / errAt(100);
  assert.ok(ratio > 14 && ratio < 18, `error ratio ${ratio} (expected ≈ 16)`);
});

test("van der Pol with μ = 1 settles on a limit cycle of amplitude ≈ 2", () => {
  const times = Array.from({ length: 2001 }, (_, i) => 40 + i * 0.01);
  const { y } = dormandPrince(vanDerPolField(1), [0.1, 0], [0, ...times], { rtol: 1e-9, atol: 1e-12 });
  let amp = 0;
  for (let i = 1; i < y.rows; i++) amp = Math.max(amp, Math.abs(y.get(i, 0)));
  // the known amplitude for μ = 1 is 2.0086
  assert.ok(Math.abs(amp - 2.0086) < 0.005, `amplitude ${amp}`);
  // starting outside, it shrinks onto the same cycle
  const out = dormandPrince(vanDerPolField(1), [3, 3], [0, ...times], { rtol: 1e-9, atol: 1e-12 }).y;
  let amp2 = 0;
  for (let i = 1; i < out.rows; i++) amp2 = Math.max(amp2, Math.abs(out.get(i, 0)));
  assert.ok(Math.abs(amp2 - amp) < 1e-3);
});

test("integrators reject bad input", () => {
  assert.throws(() => dormandPrince(oscillator, [1, 0], [0, 1, 1]), /strictly increasing/);
  assert.throws(() => dormandPrince(oscillator, [NaN, 0], [0, 1]), ValidationError);
  assert.throws(() => dormandPrince(oscillator, [1, 0], [0, 1], { rtol: 0, atol: 0 }), /both be 0/);
  assert.throws(() => rk4(oscillator, [1, 0], [0, 1], { substeps: 0 }), /substeps/);
  const blowUp: OdeRhs = (_t, y, out) => {
    out[0] = y[0] * y[0];
  };
  assert.throws(() => dormandPrince(blowUp, [1], [0, 2]), /underflow|maxSteps/);
});
