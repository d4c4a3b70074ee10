/** 帮扶协议: the agreements I am a party to (or, for the station, the community's); the ones waiting for my signature first. */

const session = require('../../api/session')
const agreements = require('../../services/agreements')
const view = require('../../utils/agreement')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [], staff: false, waiting: 0 },
  methods: {
    onLoad() {
      this.setData({ staff: session.hasRole('coordinator') || session.hasRole('admin') })
      this.load()
    },
    onShow() {
      // Back from signing or drafting: read the list again.
      if (this.loaded) this.load()
    },
    load() {
      const me = session.member() || {}
      return this.track(agreements.list({ quiet: true }), (list) => {
        this.loaded = true
        const items = (list || []).map((a) => view.summary(a, me.id))
        items.sort((a, b) => Number(b.waitsForMe) - Number(a.waitsForMe))
        this.setData({ items, waiting: items.filter((a) => a.waitsForMe).length })
        return items.length > 0
      })
    },
    go: nav.go,
  },
})
