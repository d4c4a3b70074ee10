/**
 * A public notice for residents: the quarter's figures and the proposed star awards; while the
 * notice is open, a resident may object to an award, with a reason the station will check.
 */

const notices = require('../../services/notices')
const view = require('../../utils/notice')
const nav = require('../../utils/nav')

const MIN_REASON = 4

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: { id: 0, notice: null, objecting: 0, reason: '', objected: [] },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query && query.id) })
      this.load()
    },
    load() {
      return this.track(notices.get(this.data.id, { quiet: true }), (n) => {
        const notice = view.full(n)
        // The API does not say whose objections these are: remember the ones sent from here.
        notice.awards.forEach((a) => { a.objected = this.data.objected.indexOf(a.award_id) >= 0 })
        this.setData({ notice })
      })
    },
    onObject(e) {
      this.setData({ objecting: Number(e.currentTarget.dataset.award), reason: '', errors: {} })
    },
    onCancelObjection() {
      this.setData({ objecting: 0, reason: '', errors: {} })
    },
    onSubmitObjection() {
      const reason = this.data.reason.trim()
      if (this.refuse(reason.length < MIN_REASON ? { reason: `请写清楚理由，至少${MIN_REASON}个字` } : {})) return Promise.resolve()
      const award = this.data.objecting
      return nav.confirmDialog({
        title: '提出异议',
        content: '服务站会核实您说的情况，可能会联系您。核实清楚之前，这项评定不会批准。',
        confirmText: '提交异议',
        cancelText: '再想想',
      }).then((yes) => yes && this.sendForm(() => notices.object(this.data.id, award, reason), () => {
        nav.toast('已提交')
        this.setData({ objecting: 0, reason: '', objected: this.data.objected.concat([award]) })
        return this.load()
      }))
    },
  },
})
