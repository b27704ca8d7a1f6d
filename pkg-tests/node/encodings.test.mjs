// Text that is not UTF-8 gives the same Report, or the same error, in the two wasm modules: the
// core one decodes it with the host's TextDecoder (src/wasm/text.rs), the full one with
// encoding_rs's tables. Whole, and pushed in 1- and 7-byte chunks (a BOM or a character cut).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAnalyzer } from "../../pkg/node.js";

const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));
const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
const utf16 = (text, littleEndian) => {
  const out = new Uint8Array(text.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < text.length; i++) view.setUint16(2 * i, text.charCodeAt(i), littleEndian);
  return out;
};

// 客户,下单时间,金额,渠道 / 张三,2024-01-03,10,网店€ / 李四𠀀 (a four-byte sequence),… in GB18030.
const gb18030 = hex(
  "bfcdbba72ccfc2b5a5cab1bce42cbdf0b6ee2cc7feb5c00ad5c5c8fd2c323032342d30312d30332c31302ccdf8b5eaa2e30a" +
    "c0eecbc4953282362c323032342d30312d30352c372cc3c5b5ea0ad5c5c8fd2c323032342d30322d30372c31322ccdf8b5eaa2e30a",
);
const chinese = "客户,下单时间,金额,渠道\n张三,2024-01-03,10,网店€\n李四𠀀,2024-01-05,7,门店\n张三,2024-02-07,12,网店€\n";
const mapping = (customer, time, amount) => ({ mapping: { customer, time, amount } });

const cases = [
  ["GB18030, detected", gb18030, {}],
  ["GBK, named (WHATWG reads four-byte sequences too)", gb18030, { encoding: "gbk" }],
  ["GB18030 with a bare 0x80 (the euro sign of code page 936)", concat(gb18030, hex("d5c5c8fd2c323032342d30332d30312c352c80800a")), {}],
  ["UTF-16LE with a BOM", concat(hex("fffe"), utf16(chinese, true)), {}],
  ["UTF-16BE without a BOM", utf16("customer_id,order_date\nc1,2024-01-01\nc1,2024-02-01\nc2,2024-01-09\n", false), {}],
  ["a UTF-8 BOM overrides the named encoding", concat(hex("efbbbf"), new TextEncoder().encode(chinese)), { encoding: "gbk" }],
  ["a UTF-16LE BOM overrides the named encoding", concat(hex("fffe"), utf16(chinese, true)), { encoding: "big5" }],
  ["windows-1252, named", Uint8Array.from("customer_id,order_date,amount\nJosé,2024-01-03,10\nJosé,2024-02-03,12\nZoë,2024-01-05,7\n", (c) => c.charCodeAt(0)), { encoding: "windows-1252" }],
  ["Big5, named", hex("abc8a4e12ca455b3e6aec9b6a12caaf7c3420ab169a4542c323032342d30312d30332c31300aa7f5a57c2c323032342d30312d30352c370ab169a4542c323032342d30322d30372c31320a"), { encoding: "big5", ...mapping("客戶", "下單時間", "金額") }],
  ["Shift_JIS, named", hex("8cda8b712c928d95b693fa2c8be08a7a0a8e5293632c323032342d30312d30332c31300a8db293a12c323032342d30312d30352c370a8e5293632c323032342d30322d30372c31320a"), { encoding: "shift_jis", ...mapping("顧客", "注文日", "金額") }],
  ["EUC-KR, named", hex("b0edb0b42cc1d6b9aec0cf2cb1ddbed70ab1e82c323032342d30312d30332c31300ac0cc2c323032342d30312d30352c370ab1e82c323032342d30322d30372c31320a"), { encoding: "euc-kr", ...mapping("고객", "주문일", "금액") }],
  ["GB18030 cut short inside a character", gb18030.subarray(0, 1), {}],
  ["bytes that are neither UTF-8 nor GB18030", concat(gb18030, hex("ff0a")), {}],
  ["bytes that are not Shift_JIS", hex("8cda8b712cff0a"), { encoding: "shift_jis" }],
];

/** The Report (or the error's code and message) of `bytes` pushed in chunks of `size` bytes. */
async function run(kind, bytes, options, size) {
  const analyzer = await createAnalyzer(options, { full: kind === "full" });
  try {
    for (let i = 0; i < bytes.length; i += size) analyzer.push(bytes.subarray(i, i + size));
    return analyzer.finish();
  } catch (e) {
    return { code: e.code, message: e.message, line: e.line };
  } finally {
    analyzer.free();
  }
}

for (const [name, bytes, options] of cases) {
  test(`${name}: the core module's Report equals the full module's`, async () => {
    const want = await run("full", bytes, options, bytes.length);
    for (const size of [bytes.length, 7, 1]) {
      assert.deepEqual(await run("core", bytes, options, size), want, `chunks of ${size} bytes`);
    }
  });
}

test("the decoded cases are read, not refused", async () => {
  for (const [name, bytes, options] of cases.slice(0, 11)) {
    const report = await run("core", bytes, options, bytes.length);
    assert.equal(report.code, undefined, `${name}: ${report.message}`);
    assert.ok(report.summary.customers >= 2, name);
  }
});
