/**
 * 亲情转赠和爱心池: name a direct relative's household by its invite code (the station confirms
 * it; a relative household in another community confirms too, here or at its own station), gift
 * hours to a confirmed relative, donate hours to the community's love pool. Each
 * intended gift or donation gets one Idempotency-Key, kept while it is unanswered: sending it
 * again after a lost answer reuses the key, so the hours move once.
 */

const session = require('../../api/session')
const api = require('../../api/request')
const ledger = require('../../services/ledger')
const passbook = require('../../services/passbook')
const format = require('../../utils/format')
const labels = require('../../utils/labels')
const nav = require('../../utils/nav')

const AMOUNTS = [30, 60, 120, 300, 600].map((m) => ({ minutes: m, text: format.hours(m) }))
const RELATIONS = labels.RELATIONS.filter((r) => r !== '本人')

/** Who still has to confirm, in words for my side of the kinship. */
function waitingText(k, named) {
  const waiting = k.waiting_for || []
  if (waiting.includes('station')) {
    return named ? '请带上户口本或亲属关系证明，到服务站确认。' : `等${k.household_community_name}服务站核实后确认。`
  }
  if (waiting.includes('relative') && named) {
    return `${k.relative_household_name}在${k.relative_community_name}，还要等他们家在小程序里确认（或到他们的服务站确认）。`
  }
  return ''
}

/** A kinship from my household's side: the other household, and how the relation was named. */
function relative(k, mine) {
  const named = k.household_id === mine
  const other = named ? k.relative_community_name : k.household_community_name
  const where = k.across_communities ? `（${other}）` : ''
  const waiting = k.waiting_for || []
  return Object.assign({}, k, {
    otherId: named ? k.relative_household_id : k.household_id,
    otherName: (named ? k.relative_household_name : k.household_name) + where,
    relationText: named ? `您登记：这是您${k.relation}的家` : `${k.household_name}登记：您是他们家的${k.relation}`,
    status: k.confirmed ? 'confirmed' : (waiting.includes('station') ? 'waiting' : 'relative'),
    waitingText: waitingText(k, named),
    mayAccept: !named && waiting.includes('relative'),
  })
}

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    amounts: AMOUNTS, relations: RELATIONS,
    available: '', relatives: [],
    link: { invite_code: '', relation: '' },
    gift: null, // {kinship, to, name, minutes, note}: shown inside that relative's card
    donation: { minutes: 0, note: '' },
    unanswered: '', // gift | donation: sent, and the answer was lost
  },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const mine = (session.member() || {}).household_id
      const both = Promise.all([ledger.kinships({ quiet: true }), passbook.page({ limit: 1 }, { quiet: true })])
      return this.track(both, ([kin, book]) => {
        this.setData({ relatives: kin.map((k) => relative(k, mine)), available: format.hours(book.available_minutes) })
      })
    },

    // --- naming a relative's household ---
    onRelation(e) {
      this.setData({ 'link.relation': e.currentTarget.dataset.value, 'errors.relation': '' })
    },
    onLink() {
      const l = this.data.link
      const code = l.invite_code.trim().toUpperCase()
      const errors = {}
      if (code.length < 4) errors.invite_code = '请填写亲属家的邀请码'
      if (!l.relation) errors.relation = '请选择对方是您的什么人'
      if (this.refuse(errors)) return Promise.resolve()
      return this.sendForm(() => ledger.linkKin({ invite_code: code, relation: l.relation }), () => {
        nav.toast('已提交')
        this.setData({ link: { invite_code: '', relation: '' } })
        return this.load()
      })
    },

    /** The relative household says yes: 对方家庭登记的亲属关系属实. */
    onAccept(e) {
      const k = this.data.relatives.find((r) => r.id === e.currentTarget.dataset.id)
      return this.act(() => ledger.acceptKin(k.id), '已确认', {
        title: '确认亲属关系',
        content: `${k.household_name}登记：您是他们家的${k.relation}。属实请确认，确认后两家可以互相转赠时间。`,
        confirmText: '属实，确认',
        cancelText: '不对',
      })
    },

    // --- gifts and donations ---
    onGiftTo(e) {
      const k = this.data.relatives.find((r) => r.id === e.currentTarget.dataset.id)
      this.setData({ gift: { kinship: k.id, to: k.otherId, name: k.otherName, minutes: 0, note: '' }, 'errors.giftMinutes': '' })
    },
    onCloseGift() {
      this.setData({ gift: null })
    },
    onGiftAmount(e) {
      const minutes = Number(e.currentTarget.dataset.minutes)
      this.setData({ 'gift.minutes': minutes, 'gift.minutesText': format.hours(minutes), 'errors.giftMinutes': '' })
    },
    onDonationAmount(e) {
      const minutes = Number(e.currentTarget.dataset.minutes)
      this.setData({ 'donation.minutes': minutes, 'donation.minutesText': format.hours(minutes), 'errors.donationMinutes': '' })
    },
    /**
     * The key for this intended move: the same as last time while that one went unanswered and
     * nothing was changed, else a fresh one.
     */
    keyFor(kind, body) {
      const same = this.intent && this.intent.kind === kind && this.intent.body === JSON.stringify(body)
      if (!same) this.intent = { kind, body: JSON.stringify(body), key: api.idempotencyKey(kind) }
      return this.intent.key
    },
    /** Send a gift or donation once; a lost answer keeps the key for "再试一次". */
    move(kind, body, call, done) {
      const key = this.keyFor(kind, body)
      return this.sendForm(() => call(body, key).catch((err) => {
        if (err.offline) this.setData({ unanswered: kind })
        else this.intent = null // the server answered no: a new try is a new decision
        throw err
      }), (answer) => {
        this.intent = null
        this.setData({ unanswered: '' })
        done(answer)
        return this.load()
      }, { minutes: `${kind}Minutes`, to_household_id: `${kind}Minutes` })
    },
    onGift() {
      const g = this.data.gift
      if (this.refuse(g.minutes ? {} : { giftMinutes: '请选择转多少时间' })) return Promise.resolve()
      const body = { to_household_id: g.to, minutes: g.minutes, note: g.note.trim() }
      return nav.confirmDialog({
        title: '确认转赠',
        content: `从您家存折转 ${format.hours(g.minutes)} 给${g.name}。转出后不能撤回。`,
        confirmText: '确认转赠',
        cancelText: '再想想',
      }).then((yes) => yes && this.move('gift', body, ledger.gift, () => {
        nav.toast('已转赠')
        this.setData({ gift: null })
      }))
    },
    onDonate() {
      const d = this.data.donation
      if (this.refuse(d.minutes ? {} : { donationMinutes: '请选择捐多少时间' })) return Promise.resolve()
      const body = { minutes: d.minutes, note: d.note.trim() }
      return nav.confirmDialog({
        title: '确认捐赠',
        content: `从您家存折捐 ${format.hours(d.minutes)} 到社区爱心池，帮助有困难的老人。捐出后不能撤回。`,
        confirmText: '确认捐赠',
        cancelText: '再想想',
      }).then((yes) => yes && this.move('donation', body, ledger.donate, () => {
        nav.toast('已捐赠，谢谢您')
        this.setData({ donation: { minutes: 0, note: '' } })
      }))
    },
    /** The same gift or donation again, with the same key: the server moves the hours at most once. */
    onRetry() {
      return this.data.unanswered === 'gift' ? this.onGift() : this.onDonate()
    },
  },
})
