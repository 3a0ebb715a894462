// plotly.js-dist-min ships no types; the renderers use a small part of its API.
declare module "plotly.js-dist-min" {
  const Plotly: any;
  export default Plotly;
}
