/** 消息: the in-app inbox; unread ones say so in words; tapping opens the page it is about. */

const notifications = require('../../services/notifications')
const format = require('../../utils/format')

/** The server names a page as "pages/x/y?id=1"; navigateTo wants it from the root. */
function pageUrl(link) {
  if (!link) return ''
  return link.charAt(0) === '/' ? link : `/${link}`
}

function decorate(n) {
  return Object.assign({}, n, { when: format.dateTime(n.created_at), unread: !n.read_at, url: pageUrl(n.link) })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [], nextCursor: null, unread: 0, loadingMore: false },
  methods: {
    onLoad() {
      this.load()
    },
    count() {
      this.setData({ unread: this.data.items.filter((n) => n.unread).length })
    },
    load() {
      return this.track(notifications.list(null, { quiet: true }), (page) => {
        this.setData({ items: page.items.map(decorate), nextCursor: page.next_cursor || null })
        this.count()
        return page.items.length > 0
      })
    },
    onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return Promise.resolve()
      this.setData({ loadingMore: true })
      return notifications.list(this.data.nextCursor)
        .then((page) => {
          this.setData({ items: this.data.items.concat(page.items.map(decorate)), nextCursor: page.next_cursor || null })
          this.count()
        }, () => null)
        .then(() => this.setData({ loadingMore: false }))
    },
    onOpen(e) {
      const i = Number(e.currentTarget.dataset.index)
      const n = this.data.items[i]
      const read = n.unread
        ? notifications.markRead(n.id).then(() => {
          this.setData({ [`items[${i}].unread`]: false })
          this.count()
        }, () => null)
        : Promise.resolve()
      return read.then(() => {
        if (n.url) wx.navigateTo({ url: n.url })
      })
    },
    onReadAll() {
      // Up to the newest shown: one that arrived after the screen was drawn stays unread.
      const newest = this.data.items.reduce((m, n) => Math.max(m, n.id), 0)
      return notifications.markAllRead(newest).then(() => {
        this.setData({ items: this.data.items.map((n) => Object.assign({}, n, { unread: false })) })
        this.count()
      }, () => null)
    },
  },
})
