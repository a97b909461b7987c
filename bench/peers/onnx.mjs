// The exported intent network (bench/out/intent-weights.json) as an ONNX model, so ONNX
// Runtime Web runs exactly reshelf's weights. Written by hand: a ModelProto is a few nested
// protobuf messages, and encoding them here avoids a protobufjs or Python (onnx) dependency
// for ~100 lines. Field numbers are those of onnx/onnx.proto (proto2; repeated scalars are
// written unpacked, which every protobuf parser accepts).
//
// The graph: x [N, input_width] → (MatMul, Add, Relu) per hidden layer → MatMul, Add → logit
// [N, 1], then the Platt calibration reshelf applies, Sigmoid(logit · a + b) → probability
// [N, 1]. Both are outputs, so the logits can be checked against reshelf's too.
//
// `node bench/peers/onnx.mjs weights.json out.onnx` writes the file for inspection.

const IR_VERSION = 8; // ONNX 1.10+; ORT Web 1.30 reads up to IR 11
const OPSET = 13;
const FLOAT = 1; // TensorProto.DataType.FLOAT

const utf8 = new TextEncoder();

/** A base-128 varint; int64 fields here are never negative. */
function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// One field each: wire type 0 (varint) or 2 (length-delimited: bytes, strings, messages).
const int = (field, n) => Uint8Array.from([...varint((field << 3) | 0), ...varint(n)]);
const bytes = (field, b) => concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(b.length)]), b]);
const str = (field, s) => bytes(field, utf8.encode(s));
const msg = (field, ...parts) => bytes(field, concat(parts));

/** TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian float32). */
function tensor(name, dims, values) {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return concat([...dims.map((d) => int(1, d)), int(2, FLOAT), str(8, name), bytes(9, raw)]);
}

/** ValueInfoProto of a float tensor; a string dim is symbolic (dim_param), a number fixed. */
function valueInfo(field, name, dims) {
  const dim = (d) => msg(1, typeof d === 'string' ? str(2, d) : int(1, d)); // TensorShapeProto.Dimension
  const tensorType = msg(1, int(1, FLOAT), msg(2, ...dims.map(dim))); // TypeProto.Tensor
  return msg(field, str(1, name), msg(2, tensorType));
}

/** NodeProto: input (1), output (2), name (3), op_type (4); no attributes needed here. */
const node = (op, inputs, output) =>
  msg(1, ...inputs.map((i) => str(1, i)), str(2, output), str(3, `${op}_${output}`), str(4, op));

/** The .onnx bytes for the exported weights document. */
export function onnxModel(w) {
  const nodes = [];
  const inits = [];
  let h = 'x';
  w.layers.forEach((l, k) => {
    if (l.weight.length !== l.in * l.out || l.bias.length !== l.out) throw new Error(`layer ${k}: bad shape`);
    inits.push(tensor(`W${k}`, [l.in, l.out], l.weight), tensor(`b${k}`, [l.out], l.bias));
    const last = k === w.layers.length - 1;
    if (last && l.activation !== 'none') throw new Error('the last layer must output the logit (activation "none")');
    nodes.push(node('MatMul', [h, `W${k}`], `mm${k}`));
    nodes.push(node('Add', [`mm${k}`, `b${k}`], last ? 'logit' : `z${k}`));
    if (l.activation === 'relu') nodes.push(node('Relu', [`z${k}`], `h${k}`));
    else if (l.activation !== 'none') throw new Error(`layer ${k}: activation ${l.activation}`);
    h = `h${k}`;
  });
  const outWidth = w.layers.at(-1).out;
  inits.push(tensor('cal_a', [], [w.calibration.a]), tensor('cal_b', [], [w.calibration.b]));
  nodes.push(node('Mul', ['logit', 'cal_a'], 'scaled'));
  nodes.push(node('Add', ['scaled', 'cal_b'], 'shifted'));
  nodes.push(node('Sigmoid', ['shifted'], 'probability'));
  const graph = concat([
    ...nodes,
    str(2, 'reshelf_intent'),
    ...inits.map((t) => bytes(5, t)),
    valueInfo(11, 'x', ['N', w.input_width]),
    valueInfo(12, 'logit', ['N', outWidth]),
    valueInfo(12, 'probability', ['N', outWidth]),
  ]);
  return concat([
    int(1, IR_VERSION),
    str(2, 'reshelf bench/peers/onnx.mjs'),
    str(3, String(w.version ?? '')),
    msg(7, graph),
    msg(8, str(1, ''), int(2, OPSET)), // OperatorSetIdProto: the default domain
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node bench/peers/onnx.mjs weights.json out.onnx');
    process.exit(2);
  }
  const model = onnxModel(JSON.parse(readFileSync(input, 'utf8')));
  writeFileSync(output, model);
  console.log(`${output}: ${model.length} bytes`);
}
