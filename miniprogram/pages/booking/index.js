/** 预约服务: choose from the menu, say what, where and when; the request goes on the task board. */

const catalog = require('../../services/catalog')
const households = require('../../services/households')
const requests = require('../../services/requests')
const notifications = require('../../services/notifications')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { categories: [], family: [], address: {}, sending: false },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const both = Promise.all([catalog.getCatalog({ quiet: true }), households.mine({ quiet: true })])
      return this.track(both, ([c, household]) => {
        this.setData({ categories: c.categories, family: households.family(household), address: household || {} })
      })
    },
    onSubmit() {
      if (this.data.sending) return Promise.resolve()
      const form = this.selectComponent('#need')
      const { ok, body } = form.collect()
      if (!ok) {
        wx.showToast({ title: '请按红字提示填写', icon: 'none' })
        return Promise.resolve()
      }
      this.setData({ sending: true })
      return requests.create(body)
        .then(() => {
          nav.toast('预约已提交')
          return notifications.offerSubscribe('after_booking', '预约已提交', '有志愿者接单时，要微信通知您吗？')
            .then(() => wx.redirectTo({ url: '/pages/requests/index' }))
        }, (err) => form.showErrors(err.fieldErrors ? err.fieldErrors() : {}))
        .then(() => this.setData({ sending: false }))
    },
  },
})
