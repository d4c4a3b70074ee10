/**
 * 优先回馈: the household banks hours, and its elders (年满60岁), volunteers retired for age or
 * illness and hardship cases (兜底对象) spend them on priority service. The page lists who in the
 * household may redeem and why (the server decides); 为TA申请 opens the form already set to that
 * member and filled with sensible defaults (帮困 · 陪伴, tomorrow 9–11, one hour; each can be changed), so a
 * request is three taps away: 为TA申请 → 提交申请 → 确认申请.
 * The hours are held when asking, settled at the actual time when done, returned on cancel.
 * A request may name a volunteer who served the household before (指定服务人, from the server's
 * `preferred_candidates`): they are asked first. Each request shows the server's promise phrase
 * (还剩 5 小时 / 已超时 / 已安排服务人), whom it named and who is coming.
 * When the household's community is in a network (通存通兑, the server's `network_available`), a switch
 * 也请邻近社区的志愿者帮忙 opens the request to the other communities' volunteers too (`open_to_network`);
 * a request so opened shows 已向邻近社区开放.
 */

const payback = require('../../services/payback')
const catalog = require('../../services/catalog')
const households = require('../../services/households')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const OPEN = ['open', 'claimed']

/** One household member as the list shows them: the server's reasons joined in words. */
function person(m) {
  return Object.assign({}, m, { why: m.may_redeem ? m.reasons.join('、') : m.reason_not })
}

function decorate(r) {
  return Object.assign({}, r, {
    when: format.windowText(r.window_start, r.window_end),
    held: format.hours(r.held_minutes !== undefined ? r.held_minutes : r.estimated_minutes),
    cancellable: OPEN.indexOf(r.status) >= 0,
    widenable: r.status === 'open' && !r.open_to_network,
    preferredName: r.preferred_volunteer ? r.preferred_volunteer.name : '',
    comingText: r.coming && r.coming.kind === 'provider' ? r.coming.label : '',
  })
}

/** A candidate as its chip reads: 李建国（来过3次）. */
function candidate(c) {
  return Object.assign({}, c, { text: `${c.name}（来过${c.times_served}次）` })
}

/** What the form starts with, so nothing has to be filled in: tomorrow 9–11, one hour of company. */
function defaults() {
  return {
    categoryCode: 'hardship', itemCode: 'companionship', description: '请志愿者上门帮忙，具体的事到时候电话说',
    day: format.today(Date.now() + 24 * 3600 * 1000), start: '09:00', end: '11:00', minutes: 60,
  }
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: {
    eligibility: null,
    available: '', held: '',
    list: [],
    categories: [], family: [], address: {},
    formOpen: false,
    holdText: '',
    forName: '', // '' for myself; a family member's name when applying for them
    forId: null, // the member 为TA申请 chose (null: the form's own chooser decides)
    formFamily: [], // the form's 为谁预约 chooser: the phone's family, or none when 为TA申请 chose
    members: [], // everyone in the household, oldest first: who may redeem and why
    candidates: [], // 指定服务人: volunteers who served the household before (the server's list)
    preferredId: null, // the one named, or null: 不指定
    checking: false,
    networkAvailable: false, // the community is in a network: the switch is offered
    openToNetwork: false,
  },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const all = Promise.all([
        payback.eligibility(null, { quiet: true }), payback.list({ quiet: true }),
        catalog.getCatalog({ quiet: true }), households.mine({ quiet: true }),
      ])
      return this.track(all, ([eligibility, list, c, household]) => {
        this.showEligibility(eligibility, '')
        this.setData({
          me: eligibility.member_id,
          members: (eligibility.members || []).map(person),
          candidates: (eligibility.preferred_candidates || []).map(candidate),
          networkAvailable: !!eligibility.network_available,
          list: (list || []).map(decorate),
          categories: c.categories,
          family: households.family(household),
          address: household || {},
        })
      })
    },
    showEligibility(eligibility, forName) {
      this.setData({
        eligibility,
        forName,
        available: format.hours(eligibility.available_minutes),
        held: format.hours(eligibility.held_minutes),
      })
    },
    /** A family member was picked in the form (or myself again): may the request be made for them? */
    onWho(e) {
      const { id, name } = e.detail
      this.setData({ checking: true })
      return payback.eligibility(id, { quiet: true }).then((eligibility) => {
        this.setData({ checking: false })
        this.showEligibility(eligibility, name)
      }, (err) => {
        this.setData({ checking: false })
        this.showEligibility(Object.assign({}, this.data.eligibility, { eligible: false, reason: `没能确认能不能申请：${err.message}` }), name)
      })
    },
    onOpenForm() {
      this.setData({ formOpen: true, forId: null, formFamily: this.data.family, preferredId: null })
      this.prefillForm()
    },
    prefillForm() {
      const form = this.selectComponent('#need')
      if (form) form.prefill(defaults())
    },
    /** 指定服务人: a candidate, or 不指定 (id 0). */
    onPreferred(e) {
      this.setData({ preferredId: Number(e.currentTarget.dataset.id) || null })
    },
    /** 为TA申请: the form opens already set to this member, with the server's answer for them. */
    onApplyFor(e) {
      const m = this.data.members.find((x) => x.member_id === Number(e.currentTarget.dataset.id))
      if (!m || !m.may_redeem) return
      const self = m.member_id === this.data.me
      this.showEligibility(Object.assign({}, this.data.eligibility, { eligible: true, reason: `${m.name}：${m.why}` }), self ? '' : m.name)
      // Set to this member: the form's own 为谁预约 chooser is not shown, so it cannot disagree.
      this.setData({ formOpen: true, forId: self ? null : m.member_id, formFamily: [], preferredId: null })
      this.prefillForm()
    },
    /** 也请邻近社区的志愿者帮忙 */
    onOpenToNetwork(e) {
      this.setData({ openToNetwork: !!e.detail.value })
    },
    onEstimate(e) {
      this.setData({ holdText: format.hours(e.detail.minutes) })
    },
    onSubmit() {
      if (!this.data.eligibility.eligible || this.data.checking) return Promise.resolve()
      const form = this.selectComponent('#need')
      const body = form.collect()
      if (!body) return Promise.resolve()
      if (this.data.forId) body.for_member_id = this.data.forId
      const named = this.data.candidates.find((c) => c.member_id === this.data.preferredId)
      if (named) body.preferred_volunteer_id = named.member_id
      const wide = this.data.networkAvailable && this.data.openToNetwork
      if (wide) body.open_to_network = true
      return nav.confirmDialog({
        title: '确认申请',
        content: `${named ? `会先请${named.name}来。` : ''}${wide ? '邻近社区的志愿者也能接单。' : ''}提交后先冻结您存折里的 ${format.hours(body.estimated_minutes)}。服务完成按实际时长扣除，多的退回；取消就全部退回。`,
        confirmText: '确认申请',
        cancelText: '再想想',
      }).then((yes) => {
        if (!yes) return null
        return form.submitting(() => payback.create(body)).then((sent) => {
          if (!sent) return null
          nav.toast('已申请')
          this.setData({ formOpen: false, holdText: '', forId: null, preferredId: null, openToNetwork: false })
          return this.load()
        }, (err) => form.showErrors(err))
      })
    },
    /** An open request not yet opened to the network: 也请邻近社区帮忙. */
    onWiden(e) {
      const id = e.currentTarget.dataset.id
      return this.act(() => payback.openToNetwork(id), '已请邻近社区帮忙',
        { title: '请邻近社区帮忙', content: '同一街道其他社区的志愿者也能看到这个申请并来帮忙。', confirmText: '好的', cancelText: '不用了' })
    },
    onCancel(e) {
      const id = e.currentTarget.dataset.id
      return this.act(() => payback.cancel(id), '已取消',
        { title: '取消申请', content: '取消后，冻结的时间会全部退回您的存折。', confirmText: '确认取消', cancelText: '不取消' })
    },
  },
})
