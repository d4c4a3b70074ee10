/** 预约服务: choose from the menu, say what, where and when; the request goes on the task board. */

const catalog = require('../../services/catalog')
const households = require('../../services/households')
const requests = require('../../services/requests')
const notifications = require('../../services/notifications')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { categories: [], family: [], address: {} },
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
      const form = this.selectComponent('#need')
      const body = form.collect()
      if (!body) return Promise.resolve()
      return form.submitting(() => requests.create(body))
        .then((sent) => sent && notifications.offerSubscribe('after_booking', '预约已提交', '有志愿者接单时，要微信通知您吗？')
          .then(() => {
            nav.toast('预约已提交')
            wx.redirectTo({ url: '/pages/requests/index' })
          }), (err) => form.showErrors(err))
    },
  },
})
