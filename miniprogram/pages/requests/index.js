/** 我的求助: my household's requests (who is coming, cancel) and the services waiting for my 见证确认. */

const requests = require('../../services/requests')
const records = require('../../services/records')
const { RequestActions, decorate } = require('../../behaviors/request-actions')

/** The one with this id first, marked `focused`. */
function first(list, id) {
  if (!id) return list
  const hit = list.filter((x) => x.id === id).map((x) => Object.assign({}, x, { focused: true }))
  return hit.concat(list.filter((x) => x.id !== id))
}

Component({
  behaviors: [require('../../behaviors/page'), RequestActions],
  data: { items: [], toConfirm: [] },
  methods: {
    /** From a notification: `focus` (a request id) or `record` (a record to confirm) comes first and is marked. */
    onLoad(query) {
      this.focus = { request: Number(query && query.focus) || null, record: Number(query && query.record) || null }
      this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh && wx.stopPullDownRefresh())
    },
    load() {
      const both = Promise.all([requests.list({ quiet: true }), records.list('to_confirm', { quiet: true })])
      return this.track(both, ([list, toConfirm]) => {
        const waiting = (toConfirm || []).map((rec) => rec.id)
        const f = this.focus || {}
        this.setData({
          items: first((list || []).map((r) => decorate(r, waiting)), f.request),
          toConfirm: first(toConfirm || [], f.record),
        })
        return this.data.items.length + this.data.toConfirm.length > 0
      })
    },
    onBook() {
      wx.navigateTo({ url: '/pages/booking/index' })
    },
  },
})
