// A streaming SHA-256 (FIPS 180-4) in plain JavaScript, as source text for the player page. The
// page uses crypto.subtle when it can; crypto.subtle wants the whole file in memory, so files over
// a limit, or a browser that offers no crypto.subtle on file:// pages, hash with this one, read in
// slices. No `//` in the text: the page's tests refuse that sequence (it could start a URL).
export const sha256Source = `
function Sha256() {
  this.h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  this.block = new Uint8Array(64);
  this.used = 0;
  this.length = 0;
  this.w = new Uint32Array(64);
}
Sha256.K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
Sha256.prototype.compress = function (p, o) {
  var w = this.w, h = this.h, K = Sha256.K, i, t1, t2;
  for (i = 0; i < 16; i++) w[i] = (p[o + 4 * i] << 24) | (p[o + 4 * i + 1] << 16) | (p[o + 4 * i + 2] << 8) | p[o + 4 * i + 3];
  for (i = 16; i < 64; i++) {
    var a = w[i - 15], b = w[i - 2];
    var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
  for (i = 0; i < 64; i++) {
    t1 = (H + (((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7))) + ((E & F) ^ (~E & G)) + K[i] + w[i]) | 0;
    t2 = ((((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10))) + ((A & B) ^ (A & C) ^ (B & C))) | 0;
    H = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
  }
  h[0] += A; h[1] += B; h[2] += C; h[3] += D; h[4] += E; h[5] += F; h[6] += G; h[7] += H;
};
Sha256.prototype.update = function (bytes) {
  var i = 0;
  this.length += bytes.length;
  if (this.used > 0) {
    while (this.used < 64 && i < bytes.length) this.block[this.used++] = bytes[i++];
    if (this.used < 64) return;
    this.compress(this.block, 0);
    this.used = 0;
  }
  for (; i + 64 <= bytes.length; i += 64) this.compress(bytes, i);
  while (i < bytes.length) this.block[this.used++] = bytes[i++];
};
Sha256.prototype.hex = function () {
  var bits = this.length * 8, pad = new Uint8Array(((this.used < 56 ? 56 : 120) - this.used) + 8), i;
  pad[0] = 0x80;
  var high = Math.floor(bits / 4294967296), low = bits >>> 0;
  for (i = 0; i < 4; i++) {
    pad[pad.length - 8 + i] = (high >>> (24 - 8 * i)) & 255;
    pad[pad.length - 4 + i] = (low >>> (24 - 8 * i)) & 255;
  }
  this.update(pad);
  var out = '';
  for (i = 0; i < 8; i++) out += (this.h[i] >>> 0).toString(16).padStart(8, '0');
  return out;
};
`;
