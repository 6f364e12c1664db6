// The Kingma & Welling VAE trained by TensorFlow.js, as a reference the C# trainer can be compared with where PyTorch
// cannot be installed. Everything that decides the result follows the C# defaults: 784-H-2D MLPs with tanh, a log σ
// head, Bernoulli logits, the analytic KL, loss = −mean ELBO over a batch of 100, Adam (1e-3, 0.9, 0.999, 1e-8),
// PyTorch's nn.Linear initialisation, static binarization at 0.5, a fresh shuffle each epoch, and the test ELBO (one
// z per image) after every epoch. The gradients come from TF.js's autograd and the update from its Adam; `--check`
// first compares both with the PyTorch fixture, so a difference in results cannot come from different maths.
//
//   node train.mjs [--train-size N] [--epochs N] [--seed N] [--hidden H] [--data DIR]
//   node train.mjs --check [--fixture FILE]
//
// Prints one CSV row per epoch (epoch,train_loss,test_elbo,test_recon,test_kl,seconds).
import * as tf from '@tensorflow/tfjs'; // the union package: tfjs-core alone registers no gradients
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = {}; // --name value, or a bare --flag
for (let i = 2; i < process.argv.length; i++) {
    const name = process.argv[i].replace(/^--/, ''), next = process.argv[i + 1];
    args[name] = next === undefined || next.startsWith('--') ? true : (i++, next);
}
const shared = path.resolve(here, '../../../shared');
const options = {
    trainSize: Number(args['train-size'] ?? 60000), epochs: Number(args.epochs ?? 100), seed: Number(args.seed ?? 1),
    hidden: Number(args.hidden ?? 500), latent: 2, batch: 100,
    data: args.data ?? path.join(shared, 'data/mnist'),
    fixture: args.fixture ?? path.join(shared, 'fixtures/vae_step_tanh_h32_z2.json'),
};

setWasmPaths(path.join(here, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
await tf.setBackend('wasm');

// ---- data: idx files, binarized at 0.5 (byte > 127) ----
function idxImages(file, count) {
    const bytes = gunzipSync(readFileSync(path.join(options.data, file)));
    if (bytes.readUInt32BE(0) !== 2051) throw new Error(`${file} is not an idx image file`);
    const n = Math.min(count, bytes.readUInt32BE(4)), pixels = new Float32Array(n * 784);
    for (let i = 0; i < n * 784; i++) pixels[i] = bytes[16 + i] > 127 ? 1 : 0;
    return { n, pixels };
}

// ---- randomness: mulberry32, seeded; Box–Muller normals ----
function rng(seed) {
    let s = seed >>> 0;
    return () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const random = rng(options.seed);
function normals(n) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
        const r = Math.sqrt(-2 * Math.log(1 - random())), a = 2 * Math.PI * random();
        out[i] = r * Math.cos(a); if (i + 1 < n) out[i + 1] = r * Math.sin(a);
    }
    return out;
}

// ---- model: weights [in, out] (the transpose of PyTorch's layout), y = x W + b ----
function linear(fanIn, fanOut) {
    const bound = 1 / Math.sqrt(fanIn), u = n => Float32Array.from({ length: n }, () => (2 * random() - 1) * bound);
    return { w: tf.variable(tf.tensor2d(u(fanIn * fanOut), [fanIn, fanOut])), b: tf.variable(tf.tensor1d(u(fanOut))) };
}
// tanh with its derivative 1 − y² written out: the WASM backend has no TanhGrad kernel.
const tanh = tf.customGrad((x, save) => { const y = tf.tanh(x); save([y]); return { value: y, gradFunc: (dy, [y]) => tf.mul(dy, tf.sub(1, tf.square(y))) }; });
// y = x W + b with its backward written out: the WASM backend's matMul with a transposed operand runs at a tenth of
// its speed, so the transposes are made explicit (dx = dy Wᵀ, dW = xᵀ dy, db = Σ_rows dy).
const dense = tf.customGrad((x, w, b, save) => {
    save([x, w]);
    return { value: tf.add(tf.matMul(x, w), b), gradFunc: (dy, [x, w]) => [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy), tf.sum(dy, 0)] };
});
const layer = (x, l) => dense(x, l.w, l.b);

// Per-image terms for x [B, 784] and ε [B, D]: the Bernoulli log-likelihood from logits
// l (x·l − softplus(l), softplus written stably) and the analytic KL(N(μ, σ²) ‖ N(0, I)).
function terms(model, x, eps) {
    const h = tanh(layer(x, model.enc1)), out = layer(h, model.enc2);
    const [mu, logSigma] = tf.split(out, 2, 1);
    const z = tf.add(mu, tf.mul(tf.exp(logSigma), eps));
    const logits = layer(tanh(layer(z, model.dec1)), model.dec2);
    const softplus = tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    const recon = tf.sum(tf.sub(tf.mul(x, logits), softplus), 1);
    const kl = tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(tf.mul(2, logSigma))), tf.add(1, tf.mul(2, logSigma))), 1));
    return { recon, kl, mu, logSigma, logits };
}
const loss = (model, x, eps) => tf.tidy(() => { const t = terms(model, x, eps); return tf.neg(tf.mean(tf.sub(t.recon, t.kl))); });

function makeModel(hidden) {
    return { enc1: linear(784, hidden), enc2: linear(hidden, 2 * options.latent), dec1: linear(options.latent, hidden), dec2: linear(hidden, 784) };
}
const variables = m => [m.enc1.w, m.enc1.b, m.enc2.w, m.enc2.b, m.dec1.w, m.dec1.b, m.dec2.w, m.dec2.b];

// ---- the fixture check: PyTorch's loss, gradients and Adam step, reproduced ----
// The tolerance is the C# tests' (tests/…/Model/Close.cs): |got − want| ≤ rel·|want| + rel·0.01·max|want|, rel = 1e-4,
// and 2e-3 on the Adam update itself, which divides two float32 moments.
function check() {
    const f = JSON.parse(readFileSync(options.fixture, 'utf8'));
    if (f.config.activation !== 'tanh' || f.config.hidden.length !== 1) throw new Error(`${options.fixture}: this script builds one tanh hidden layer`);
    const model = makeModel(f.config.hidden[0]);
    const names = ['encoder.0', 'encoder.1', 'decoder.0', 'decoder.1'], layers = [model.enc1, model.enc2, model.dec1, model.dec2];
    const torchWeight = a => tf.transpose(tf.tensor2d(a.data, a.shape)); // PyTorch [out, in] → [in, out]
    const fixture = (group, n) => [torchWeight(group[`${n}.weight`]), tf.tensor1d(group[`${n}.bias`].data)];
    names.forEach((n, i) => { const [w, b] = fixture(f.params, n); layers[i].w.assign(w); layers[i].b.assign(b); });
    const before = layers.map(l => [l.w.clone(), l.b.clone()]);
    const x = tf.tensor2d(f.x.data, f.x.shape), eps = tf.tensor2d(f.eps.data, f.eps.shape);
    const { value, grads } = tf.variableGrads(() => loss(model, x, eps), variables(model));

    let worst = 0, worstName = '';
    const compare = (name, got, want, rel = 1e-4) => {
        const g = got.dataSync(), w = want.dataSync(), scale = Math.max(...w.map(Math.abs));
        for (let i = 0; i < g.length; i++) {
            const ratio = Math.abs(g[i] - w[i]) / (rel * Math.abs(w[i]) + rel * 0.01 * scale);
            if (ratio > worst) [worst, worstName] = [ratio, name];
        }
    };
    compare('loss', value, tf.scalar(f.expected.loss));
    names.forEach((n, i) => { const [w, b] = fixture(f.grads, n); compare(`grad ${n}.weight`, grads[layers[i].w.name], w); compare(`grad ${n}.bias`, grads[layers[i].b.name], b); });
    tf.train.adam(1e-3, 0.9, 0.999, 1e-8).applyGradients(grads);
    names.forEach((n, i) => {
        const [w, b] = fixture(f.adam_step, n);
        compare(`adam ${n}.weight`, tf.sub(layers[i].w, before[i][0]), tf.sub(w, before[i][0]), 2e-3);
        compare(`adam ${n}.bias`, tf.sub(layers[i].b, before[i][1]), tf.sub(b, before[i][1]), 2e-3);
    });
    console.error(`${path.basename(options.fixture)}: loss, gradients and Adam step ${worst <= 1 ? 'agree with' : 'DIFFER from'} PyTorch ` +
                  `(worst: ${worstName} at ${(100 * worst).toFixed(0)}% of the tolerance)`);
    if (!(worst <= 1)) process.exit(1);
}

// ---- training ----
function train() {
    const train = idxImages('train-images-idx3-ubyte.gz', options.trainSize), test = idxImages('t10k-images-idx3-ubyte.gz', 10000);
    const model = makeModel(options.hidden), optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
    const order = Array.from({ length: train.n }, (_, i) => i), batch = new Float32Array(options.batch * 784);
    const testX = tf.tensor2d(test.pixels, [test.n, 784]);
    console.log('epoch,train_loss,test_elbo,test_recon,test_kl,seconds');
    const start = performance.now();
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
        for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(random() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
        let sum = 0;
        const steps = Math.floor(train.n / options.batch);
        for (let s = 0; s < steps; s++) {
            for (let r = 0; r < options.batch; r++) batch.set(train.pixels.subarray(order[s * options.batch + r] * 784, (order[s * options.batch + r] + 1) * 784), r * 784);
            const x = tf.tensor2d(batch, [options.batch, 784]), eps = tf.tensor2d(normals(options.batch * options.latent), [options.batch, options.latent]);
            const value = optimizer.minimize(() => loss(model, x, eps), true, variables(model));
            sum += value.dataSync()[0];
            tf.dispose([x, eps, value]);
        }
        const [recon, kl] = tf.tidy(() => {
            const t = terms(model, testX, tf.tensor2d(normals(test.n * options.latent), [test.n, options.latent]));
            return [tf.mean(t.recon).dataSync()[0], tf.mean(t.kl).dataSync()[0]];
        });
        console.log([epoch, sum / steps, recon - kl, recon, kl, (performance.now() - start) / 1000].map(v => +v.toFixed(4)).join(','));
    }
}

if (args.check) check(); else train();
