/**
 * 我的存折: the household's passbook — balance, held and available hours on top, then the
 * ledger as ruled rows (date · what, where, witness · in/out · running total), newest first,
 * older pages by cursor.
 */

const passbook = require('../../services/passbook')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

// to_pool: a credit that went wholly to the love pool (the household at its storage cap): 0 here.
const DEPOSIT_WORD = { deposit: '存入', withdrawal: '支出', to_pool: '转爱心池', from_pool: '冲回' }

/** Entries → rows, with a year line wherever the year changes. */
function toRows(entries, lastYear) {
  const rows = []
  let year = lastYear
  entries.forEach((e) => {
    const day = e.service_date || e.posted_at
    const p = format.parts(day)
    if (p && p.y !== year) {
      year = p.y
      rows.push({ key: `y${year}-${e.id}`, yearLine: `${year}年` })
    }
    rows.push({
      key: `e${e.id}`,
      id: e.id,
      date: p ? `${p.mo}月${p.d}日` : '',
      label: e.code_label,
      content: e.content || e.reason || e.note || '',
      otherCommunity: e.other_community || '', // hours that crossed communities (通存通兑)
      place: e.place || '',
      witness: e.witness_name || '',
      servedBy: e.served_by || '',
      reason: e.reason || '',
      // Where part or all of a credit went instead of this passbook is said on the row itself.
      poolNote: e.pool_minutes ? e.note || `${format.hours(Math.abs(e.pool_minutes))}转入爱心池` : '',
      note: e.pool_minutes ? '' : e.note || '',
      duration: e.duration_minutes ? format.hours(e.duration_minutes) : '',
      posted: format.dateTime(e.posted_at),
      direction: e.direction,
      word: DEPOSIT_WORD[e.direction] || '',
      amount: format.signedHours(e.minutes),
      running: format.hoursNumber(e.running_balance_minutes),
    })
  })
  return { rows, year }
}

/** One closed month: opening, in, out and closing, in hours; a tap opens its signed statement and QR. */
function statementRow(st) {
  return {
    key: `${st.year}-${st.month}`,
    month: `${st.year}年${st.month}月`,
    url: st.id ? `/pages/qr/statement?id=${st.id}` : '',
    signature: st.signature_label || '',
    signed: !!st.signed,
    opening: format.hoursNumber(st.opening_minutes),
    in: format.hoursNumber(st.minutes_in),
    out: format.hoursNumber(st.minutes_out),
    closing: format.hoursNumber(st.closing_minutes),
  }
}

Component({
  behaviors: [require('../../behaviors/page')],
  properties: {},
  data: {
    household: null,
    balance: '', held: '', available: '',
    rows: [], lastYear: null, nextCursor: null, loadingMore: false,
    holds: [], yearly: [], statements: [], openId: null,
    householdId: null,
  },
  methods: {
    onLoad(query) {
      this.setData({ householdId: (query && query.household) || null })
      this.load()
    },
    load() {
      return this.track(passbook.page({ householdId: this.data.householdId }, { quiet: true }), (pb) => {
        const { rows, year } = toRows(pb.entries || [], null)
        this.setData({
          household: pb.household,
          balance: format.hoursNumber(pb.balance_minutes),
          held: format.hoursNumber(pb.held_minutes),
          available: format.hoursNumber(pb.available_minutes),
          rows, lastYear: year,
          nextCursor: pb.next_cursor || null,
          holds: (pb.holds || []).map((h) => ({ id: h.id, hours: format.hours(h.minutes), what: h.content || h.reason, date: format.date(h.created_at) })),
          yearly: (pb.yearly_totals || []).map((y) => ({ key: `${y.member_id}-${y.year}`, name: y.name, year: y.year, hours: format.hours(y.minutes) })),
        })
        if (pb.household) this.loadStatements(pb.household.id)
      })
    },
    /** 每月汇总: shown when the station has closed a month; the passbook stands without them. */
    loadStatements(householdId) {
      return passbook.statements(householdId, { quiet: true }).then((list) => {
        this.setData({ statements: (list || []).map(statementRow) })
      }, () => null)
    },
    onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return Promise.resolve()
      this.setData({ loadingMore: true })
      return passbook.page({ householdId: this.data.householdId, cursor: this.data.nextCursor })
        .then((pb) => {
          const { rows, year } = toRows(pb.entries || [], this.data.lastYear)
          this.setData({ rows: this.data.rows.concat(rows), lastYear: year, nextCursor: pb.next_cursor || null })
        }, () => null)
        .then(() => this.setData({ loadingMore: false }))
    },
    go: nav.go,
    onRow(e) {
      const id = e.currentTarget.dataset.id
      this.setData({ openId: this.data.openId === id ? null : id })
    },
  },
})
