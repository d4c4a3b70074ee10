/** 首页: greeting and big shortcuts; for volunteers the task board (任务大厅) with filters and claiming. */

const session = require('../../api/session')
const tasks = require('../../services/tasks')
const claimFlow = require('../../flows/claim')
const catalog = require('../../services/catalog')
const notifications = require('../../services/notifications')
const me = require('../../services/me')
const labels = require('../../utils/labels')
const nav = require('../../utils/nav')

const ALL = '全部'

function shortcutsFor(member) {
  const roles = (member && member.roles) || []
  const volunteer = member && member.volunteer
  const list = []
  if (roles.indexOf('resident') >= 0 || volunteer) {
    list.push({ text: '预约服务', mark: '+', url: '/pages/booking/index' })
    list.push({ text: '我的求助', mark: '☎', url: '/pages/requests/index' })
    list.push({ text: '我的存折', mark: '▤', url: '/pages/passbook/index' })
  }
  if (volunteer && volunteer.status === 'active') {
    list.push({ text: '我的任务', mark: '✔', url: '/pages/tasks/index' })
    list.push({ text: '集中活动', mark: '★', url: '/pages/events/index' })
  }
  if (volunteer && volunteer.status === 'retired') list.push({ text: '优先回馈', mark: '★', url: '/pages/payback/index' })
  if (!volunteer && roles.indexOf('resident') >= 0) list.push({ text: '当志愿者', mark: '♥', url: '/pages/volunteer/index' })
  if (volunteer && (volunteer.status === 'pending' || volunteer.status === 'rejected')) {
    list.push({ text: '志愿者申请', mark: '♥', url: '/pages/volunteer/index' })
  }
  if (roles.indexOf('coordinator') >= 0 || roles.indexOf('admin') >= 0) list.push({ text: '服务站', mark: '⚑', url: '/pages/station/index' })
  return list
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: {
    member: null,
    needsHousehold: false,
    shortcuts: [],
    unread: 0,
    isVolunteer: false,
    application: null,
    items: [],
    nextCursor: null,
    loadingMore: false,
    categoryNames: [ALL],
    categoryCodes: [''],
    teamNames: [ALL],
    teamIds: [''],
    filter: { categoryIndex: 0, teamIndex: 0, date: '' },
  },
  methods: {
    onLoad() {
      this.show(session.member())
    },
    show(member) {
      const volunteer = !!(member && member.volunteer && member.volunteer.status === 'active')
      // WXML cannot call indexOf(): whether to ask for a household is decided here, as after login.
      const needsHousehold = !!member && nav.homeFor(member) === '/pages/household/index'
      this.setData({
        member, needsHousehold, shortcuts: shortcutsFor(member), isVolunteer: volunteer,
        application: labels.application(member && member.volunteer), state: volunteer ? 'loading' : 'ready',
      })
      if (volunteer) {
        catalog.getCatalog({ quiet: true }).then((c) => this.setData({
          categoryNames: [ALL].concat(c.categories.map((x) => x.name)),
          categoryCodes: [''].concat(c.categories.map((x) => x.code)),
          teamNames: [ALL].concat(c.teams.map((x) => x.name)),
          teamIds: [''].concat(c.teams.map((x) => x.id)),
        }), () => null)
        this.loadBoard()
      }
    },
    /** An application waiting (or refused) may have been decided since login: ask the server again. */
    refreshApplication() {
      const before = this.data.application && this.data.member.volunteer.status
      if (!before) return Promise.resolve()
      return me.getMe({ quiet: true }).then((m) => {
        if (!m.volunteer || m.volunteer.status !== before) this.show(m)
      }, () => null)
    },
    onShow() {
      notifications.unreadCount().then((r) => this.setData({ unread: r.unread || 0 }), () => null)
      return this.refreshApplication()
    },
    filters(cursor) {
      const f = this.data.filter
      return {
        category: this.data.categoryCodes[f.categoryIndex],
        team_id: this.data.teamIds[f.teamIndex],
        date: f.date,
        cursor,
      }
    },
    loadBoard() {
      return this.track(tasks.board(this.filters(), { quiet: true }), (page) => {
        this.setData({ items: page.items, nextCursor: page.next_cursor || null })
        return page.items.length > 0
      })
    },
    onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return Promise.resolve()
      this.setData({ loadingMore: true })
      return tasks.board(this.filters(this.data.nextCursor))
        .then((page) => this.setData({ items: this.data.items.concat(page.items), nextCursor: page.next_cursor || null }), () => null)
        .then(() => this.setData({ loadingMore: false }))
    },
    onCategory(e) {
      this.setData({ 'filter.categoryIndex': Number(e.detail.value) })
      this.loadBoard()
    },
    onTeam(e) {
      this.setData({ 'filter.teamIndex': Number(e.detail.value) })
      this.loadBoard()
    },
    onDate(e) {
      this.setData({ 'filter.date': e.detail.value })
      this.loadBoard()
    },
    onClearDate() {
      this.setData({ 'filter.date': '' })
      this.loadBoard()
    },
    onClaim(e) {
      const task = this.data.items.find((t) => t.id === e.currentTarget.dataset.id)
      if (!task) return Promise.resolve()
      // Claimed or not (someone else may have been quicker), the board is read again.
      return claimFlow.claim(task).then(() => this.loadBoard())
    },
    go: nav.go,
  },
})
