// PDF of a saved figure, made by the Jupyter server from its SVG. A browser cannot embed
// fonts in a PDF of its own; MarbleLab's lab server (extension/app/svg_to_pdf.py) converts with
// the same tool as the library's figure export (rsvg-convert): one page of the SVG's size in
// millimetres, text as text, fonts embedded as subsets. The server says in the page's
// configuration (`marbleSvgToPdf`) where to ask, or why it cannot convert.

import { pageOption, serverRequest } from "./server";

export type SvgToPdf = (svg: string) => Promise<Uint8Array>;

const NO_CONVERTER = "this Jupyter server converts no SVG to PDF (MarbleLab's `npm run lab` server does)";

/** The server's SVG → PDF converter, or why there is none. */
export async function serverPdfConverter(): Promise<{ convert: SvgToPdf } | { missing: string }> {
  const raw = await pageOption("marbleSvgToPdf");
  if (!raw) return { missing: NO_CONVERTER };
  const config = JSON.parse(raw) as { url?: string; missing?: string };
  if (!config.url) return { missing: config.missing ?? NO_CONVERTER };
  const url = config.url;
  return { convert: (svg) => convertOnServer(url, svg) };
}

async function convertOnServer(url: string, svg: string): Promise<Uint8Array> {
  const r = await serverRequest(url, { method: "POST", body: svg, headers: { "Content-Type": "image/svg+xml" } });
  if (!r.ok) {
    let why = `${r.status}`;
    try {
      why += `: ${((await r.json()) as { message?: string }).message ?? ""}`;
    } catch {
      // not JSON: the status says enough
    }
    throw new Error(`the server could not make the PDF (${why})`);
  }
  const reply = (await r.json()) as { format?: string; bytes?: number; base64?: string };
  const bin = atob(reply.base64 ?? "");
  const pdf = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) pdf[i] = bin.charCodeAt(i);
  if (reply.format !== "pdf" || pdf.length !== reply.bytes || String.fromCharCode(...pdf.subarray(0, 5)) !== "%PDF-") throw new Error("the server's answer is not the PDF asked for");
  return pdf;
}
