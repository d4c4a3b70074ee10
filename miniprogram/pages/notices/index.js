/** 公告: the community's public notices, newest first; the station opens each with its objections. */

const session = require('../../api/session')
const notices = require('../../services/notices')
const view = require('../../utils/notice')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [] },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(notices.list({ quiet: true }), (list) => {
        this.setData({ items: (list || []).map(view.brief) })
        return this.data.items.length > 0
      })
    },
    onOpen(e) {
      const id = e.currentTarget.dataset.id
      const staff = session.hasRole('coordinator') || session.hasRole('admin')
      wx.navigateTo({ url: staff ? `/pages/station/notice?id=${id}` : `/pages/notices/detail?id=${id}` })
    },
  },
})
