// Webpack builds of (1) the JupyterLab 4 application used by `npm run lab` and the
// browser tests, and (2) the light test harness page (RenderMimeRegistry + OutputArea).
// Development mode: minifying Plotly took ~16 min on a 2-core machine.
const path = require('path');
const webpack = require('webpack');
const MiniCssExtractPlugin = require('mini-css-extract-plugin');
const miniSVGDataURI = require('mini-svg-data-uri');

const rules = [
  { test: /\.raw\.css$/, type: 'asset/source' },
  { test: /(?<!\.raw)\.css$/, use: [MiniCssExtractPlugin.loader, require.resolve('css-loader')] },
  { test: /\.html$/, type: 'asset/resource' },
  { test: /\.md$/, type: 'asset/source' },
  { test: /\.(jpg|png|gif)$/, type: 'asset/resource' },
  { test: /\.js\.map$/, type: 'asset/resource' },
  { test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
  { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: 'asset/resource' },
  {
    test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
    issuer: /\.css$/,
    type: 'asset/inline',
    generator: { dataUrl: (content) => miniSVGDataURI(content.toString()) },
  },
  { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: 'asset/source' },
];

function base(entry, outDir) {
  return {
    mode: 'development',
    devtool: false,
    entry,
    output: { path: outDir, filename: 'bundle.js', chunkFilename: '[name].[contenthash:8].js', hashFunction: 'sha256' },
    bail: true,
    module: { rules },
    resolve: { fallback: { path: false, fs: false, url: false, crypto: false, buffer: false, util: false, stream: false } },
    plugins: [
      new webpack.DefinePlugin({ process: { cwd: () => '/', env: {}, platform: '"browser"' } }),
      new MiniCssExtractPlugin({ filename: '[name].css', chunkFilename: '[id].[contenthash:8].css' }),
    ],
    performance: { hints: false },
    stats: 'errors-warnings',
    cache: { type: 'filesystem', cacheDirectory: path.join(__dirname, 'node_modules', '.cache', 'webpack') },
  };
}

module.exports = (env = {}) => {
  if (env.target === 'harness') {
    return base('./harness/index.js', path.join(__dirname, 'build', 'harness'));
  }
  if (env.target === 'federated-harness') {
    // a module-federation host sharing @lumino/widgets the way JupyterLab does, to load the
    // prebuilt extension from extension/labextension
    const config = base('./harness/federated.js', path.join(__dirname, 'build', 'federated-harness'));
    config.plugins.push(
      new webpack.container.ModuleFederationPlugin({
        name: 'marble_test_host',
        shared: { '@lumino/widgets': { singleton: true, requiredVersion: require('@lumino/widgets/package.json').version } },
      }),
    );
    return config;
  }
  // the lab application: copy schemas and themes of every listed plugin package
  const { Build } = require('@jupyterlab/builder');
  const data = require('./package.json');
  const output = path.join(__dirname, 'build', 'app');
  const themeConfigs = Build.ensureAssets({ packageNames: data.marbleLabApp.plugins, output });
  for (const config of themeConfigs) config.stats = 'errors-warnings';
  return [base('./app/index.js', output), ...themeConfigs];
};
