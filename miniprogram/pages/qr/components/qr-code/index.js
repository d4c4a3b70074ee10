/** A QR code drawn on a 2D canvas from `text` (a check-in or confirmation token). */

const qr = require('../../../../utils/qr')

Component({
  behaviors: [require('../../../../behaviors/elder')],
  properties: {
    text: { type: String, value: '' },
    // CSS pixels; large enough for an old phone's camera at arm's length.
    size: { type: Number, value: 260 },
  },
  data: { count: 0 },
  observers: {
    text(t) {
      if (!t) {
        this.matrix = null
        this.setData({ count: 0 })
        return
      }
      this.matrix = qr.encode(t)
      this.setData({ count: this.matrix.count })
      this.paint()
    },
  },
  lifetimes: {
    ready() {
      this.paint()
    },
  },
  methods: {
    paint() {
      if (!this.matrix || !this.createSelectorQuery) return
      const matrix = this.matrix
      const size = this.properties.size
      this.createSelectorQuery().select('.qr-canvas').fields({ node: true, size: true }).exec((res) => {
        const canvas = res && res[0] && res[0].node
        if (!canvas) return // not laid out yet (or a test DOM): ready() paints again
        const ratio = (wx.getWindowInfo ? wx.getWindowInfo().pixelRatio : 2) || 2
        canvas.width = size * ratio
        canvas.height = size * ratio
        const ctx = canvas.getContext('2d')
        ctx.scale(ratio, ratio)
        qr.draw(ctx, matrix, size)
      })
    },
  },
})
