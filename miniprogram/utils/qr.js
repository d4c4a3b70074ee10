/**
 * A QR code's modules from text, by qrcode-generator (pure JS, MIT, pinned in package.json;
 * WeChat DevTools' "构建 npm" copies it to miniprogram_npm/). Error correction M, the
 * smallest version that holds the text.
 */

const qrcode = require('qrcode-generator')

/** text → { count, dark(row, col) }. */
function encode(text) {
  const qr = qrcode(0, 'M')
  qr.addData(String(text), 'Byte')
  qr.make()
  const count = qr.getModuleCount()
  return { count, dark: (r, c) => qr.isDark(r, c) }
}

/** Draw on a 2D canvas context, `size` px square, with a quiet zone of 4 modules. */
function draw(ctx, matrix, size) {
  const cells = matrix.count + 8
  const cell = size / cells
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, size, size)
  ctx.fillStyle = '#000000'
  for (let r = 0; r < matrix.count; r++) {
    for (let c = 0; c < matrix.count; c++) {
      // Whole pixels, one overlapping the next, so no hairlines show between modules.
      if (matrix.dark(r, c)) ctx.fillRect(Math.floor((c + 4) * cell), Math.floor((r + 4) * cell), Math.ceil(cell), Math.ceil(cell))
    }
  }
}

module.exports = { encode, draw }
