/** 集中活动: the community's activities (每月16日集中服务); volunteers sign up and scan in, the station creates them. */

const session = require('../../api/session')
const events = require('../../services/events')
const catalog = require('../../services/catalog')
const checkIn = require('../../flows/event-checkin')
const view = require('../../utils/event')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [], staff: false, volunteer: false },
  methods: {
    onLoad() {
      const m = session.member() || {}
      this.setData({
        staff: session.hasRole('coordinator') || session.hasRole('admin'),
        volunteer: !!(m.volunteer && m.volunteer.status === 'active'),
      })
      this.load()
    },
    onShow() {
      if (this.loaded) this.load()
    },
    load() {
      const both = Promise.all([events.list({ quiet: true }), catalog.getCatalog({ quiet: true }).catch(() => null)])
      return this.track(both, ([list, c]) => {
        this.loaded = true
        const names = view.categoryNames(c)
        this.setData({ items: (list || []).map((e) => view.decorate(e, names)) })
        return this.data.items.length > 0
      })
    },
    onScan() {
      return checkIn.scan().then((ok) => ok && this.load())
    },
    go: nav.go,
  },
})
