// The contrastive loss and its gradient on fixed embeddings against the authors' loss_fun (autograd),
// with and without masked rows (scripts/fixtures/authors.py → test/fixtures/authors/loss.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { contrastiveLoss } from "../../src/model/loss.js";
import { loadAuthors, maxAbsDiff, flat, reportDiff } from "./authors-fixtures.js";

// both sides compute in float64 here: agreement to rounding
const TOL = 1e-12;

test("contrastive loss and gradient match the authors' loss_fun", () => {
  const { cases } = loadAuthors("loss.json");
  for (const c of cases as { z: number[][]; mask: number[]; loss: number; grad: number[][] }[]) {
    const cols = c.z[0].length;
    const masked = Uint8Array.from(c.mask);
    const { loss, grad } = contrastiveLoss(flat(c.z), cols, masked.some((v) => v) ? masked : null);
    const dLoss = Math.abs(loss - c.loss), dGrad = maxAbsDiff(grad, flat(c.grad));
    const what = `contrastive loss, ${c.z.length / 3} anchors, ${c.mask.reduce((a, b) => a + b, 0)} masked rows`;
    reportDiff(`${what}: loss`, dLoss, TOL);
    reportDiff(`${what}: gradient`, dGrad, TOL);
    assert.ok(dLoss < TOL && dGrad < TOL);
  }
});
