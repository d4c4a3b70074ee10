/** 开户 / 加入家庭: open a household account or join the family's with its invite code; add family without a phone. */

const session = require('../../api/session')
const households = require('../../services/households')
const catalog = require('../../services/catalog')
const me = require('../../services/me')
const labels = require('../../utils/labels')
const nav = require('../../utils/nav')

const FAMILY_RELATIONS = labels.RELATIONS.filter((r) => r !== '本人')

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    household: null,
    mode: 'open', // open | join, when there is no household yet
    communities: [], communityIndex: -1,
    relations: labels.RELATIONS, familyRelations: FAMILY_RELATIONS,
    open: { name: '', building: '', unit: '', room: '', area: '' },
    join: { invite_code: '', relationIndex: -1 },
    dep: { name: '', relationIndex: -1, gender: '', birth_date: '' },
    addOpen: false,
    // 迁移: the household's latest move, the communities it may ask to move to, the form.
    move: null, moveTargets: [], moveOpen: false, moveForm: { targetIndex: -1, reason: '' },
  },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const m = session.member()
      if (m && m.household_id) {
        return this.track(households.get(m.household_id, { quiet: true }), (household) => {
          this.setData({ household })
          this.loadMoves(household)
        })
      }
      return this.track(catalog.communities({ quiet: true }), (communities) => {
        const surname = m && m.name ? m.name[0] : ''
        this.setData({ household: null, communities, 'open.name': surname ? `${surname}家` : '' })
        return communities.length > 0
      })
    },
    /** The latest move and where the household could go (the server says which are in its network). */
    loadMoves(household) {
      const none = () => []
      return Promise.all([
        households.moves(household.id, { quiet: true }).catch(none),
        catalog.communities({ quiet: true }).catch(none),
      ]).then(([moves, communities]) => {
        this.setData({ move: moves[0] || null, moveTargets: communities.filter((c) => c.id !== household.community_id) })
      })
    },
    onShowMove() {
      this.setData({ moveOpen: true })
    },
    onMoveTarget(e) {
      this.setData({ 'moveForm.targetIndex': Number(e.detail.value), 'errors.to_community_id': '' })
    },
    onAskMove() {
      const f = this.data.moveForm
      const target = this.data.moveTargets[f.targetIndex]
      const errors = {}
      if (!target) errors.to_community_id = '请选择要迁去的社区'
      if (!f.reason.trim()) errors.reason = '请写一下为什么迁移，如 搬去女儿家住'
      if (this.refuse(errors)) return Promise.resolve()
      const body = { to_community_id: target.id, reason: f.reason.trim() }
      return this.sendForm(() => households.askMove(this.data.household.id, body), (move) => {
        nav.toast('已提交，等新社区确认')
        this.setData({ move, moveOpen: false, moveForm: { targetIndex: -1, reason: '' } })
      })
    },
    onCancelMove() {
      return this.act(() => households.cancelMove(this.data.move.id), '已取消迁移',
        { title: '取消迁移', content: `不迁到${this.data.move.to_community}了吗？` })
    },
    onMode(e) {
      this.setData({ mode: e.currentTarget.dataset.mode, errors: {} })
    },
    onCommunity(e) {
      this.setData({ communityIndex: Number(e.detail.value), 'errors.community_id': '' })
    },
    onJoinRelation(e) {
      this.setData({ 'join.relationIndex': Number(e.detail.value), 'errors.relation': '' })
    },
    onDepRelation(e) {
      this.setData({ 'dep.relationIndex': Number(e.detail.value), 'errors.relation': '' })
    },
    onDepGender(e) {
      this.setData({ 'dep.gender': e.currentTarget.dataset.value })
    },
    onDepBirth(e) {
      this.setData({ 'dep.birth_date': e.detail.value })
    },
    onOpen() {
      const o = this.data.open
      const community = this.data.communities[this.data.communityIndex]
      const errors = {}
      if (!community) errors.community_id = '请选择您住的社区'
      if (!o.name.trim()) errors.name = '请填写户名，如 王家'
      if (!o.building.trim()) errors.building = '请填写楼号'
      if (this.refuse(errors)) return Promise.resolve()
      const body = { community_id: community.id, name: o.name.trim(), building: o.building.trim(), unit: o.unit.trim(), room: o.room.trim(), area: o.area.trim() }
      return this.sendForm(() => households.open(body), () => me.getMe().then(() => {
        nav.toast('开户成功')
        wx.reLaunch({ url: '/pages/home/index' })
      }))
    },
    onJoin() {
      const j = this.data.join
      const errors = {}
      if (j.invite_code.trim().length < 4) errors.invite_code = '请填写家人给您的邀请码'
      if (j.relationIndex < 0) errors.relation = '请选择您和户主的关系'
      if (this.refuse(errors)) return Promise.resolve()
      const body = { invite_code: j.invite_code.trim().toUpperCase(), relation: this.data.relations[j.relationIndex] }
      return this.sendForm(() => households.join(body), () => me.getMe().then(() => {
        nav.toast('已加入')
        wx.reLaunch({ url: '/pages/home/index' })
      }))
    },
    onCopy() {
      wx.setClipboardData({ data: this.data.household.invite_code })
    },
    onShowAdd() {
      this.setData({ addOpen: true })
    },
    onAdd() {
      const d = this.data.dep
      const errors = {}
      if (!d.name.trim()) errors.name = '请填写家人的姓名'
      if (d.relationIndex < 0) errors.relation = '请选择是您的什么人'
      if (this.refuse(errors)) return Promise.resolve()
      const body = { name: d.name.trim(), relation: FAMILY_RELATIONS[d.relationIndex], gender: d.gender }
      if (d.birth_date) body.birth_date = d.birth_date
      return this.sendForm(() => households.addMember(this.data.household.id, body), () => {
        nav.toast('已添加')
        this.setData({ addOpen: false, dep: { name: '', relationIndex: -1, gender: '', birth_date: '' } })
        return this.load()
      })
    },
  },
})
