/**
 * 星级: this year's hours and stars beside the national cumulative level, the levels and how
 * far each is, applying (申请评定), where each award stands, and the certificate (PDF, serial,
 * the public verification link).
 */

const stars = require('../../services/stars')
const view = require('../../utils/stars')
const files = require('../../utils/files')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { s: null },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(stars.mine({ quiet: true }), (s) => {
        this.setData({ s: view.standing(s, Date.now()) })
      })
    },
    onApply() {
      const s = this.data.s
      return this.act(() => stars.apply(), '已申请', {
        title: `申请评定${s.year.words}`,
        content: `${s.period}您服务了 ${s.year.hours} 小时。申请后，服务站会在公告里向居民公示 7 天，没有异议就批准并发证书。`,
        confirmText: '申请',
        cancelText: '再等等',
      })
    },
    onCertificate(e) {
      return files.openPdf(stars.certificatePath(e.currentTarget.dataset.id))
    },
    onCopyLink(e) {
      wx.setClipboardData({ data: e.currentTarget.dataset.url })
    },
    go: nav.go,
  },
})
