/** 服务站: what waits for the coordinator — service records only the station can confirm. */

const records = require('../../services/records')
const witness = require('../../flows/witness')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [] },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(records.list('to_confirm', { quiet: true }), (items) => {
        this.setData({ items: items || [] })
        return this.data.items.length > 0
      })
    },
    onConfirm(e) {
      return witness.confirm(e.currentTarget.dataset.record).then((ok) => ok && this.load())
    },
    onDispute(e) {
      return witness.dispute(e.currentTarget.dataset.record).then((ok) => ok && this.load())
    },
    onBoard() {
      wx.redirectTo({ url: '/pages/home/index' })
    },
  },
})
