/**
 * 服务站 · 兑付率: one quarter of payback requests — how many the bank honoured on time, late or not
 * at all, who served them (volunteers or contracted providers), how soon, and the hours spent — with
 * a switcher to the quarters before. Opened from the rate card on the desk (the current quarter), or
 * with ?year=&quarter=.
 */

const session = require('../../api/session')
const redemption = require('../../services/redemption')
const honour = require('../../utils/honour')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { figures: null, year: 0, quarter: 0, canNext: false },
  methods: {
    onLoad(query) {
      const year = Number((query && query.year) || 0)
      const quarter = Number((query && query.quarter) || 0)
      this.setData({ year, quarter })
      this.load()
    },
    load() {
      const community = (session.member() || {}).community_id
      return this.track(redemption.quarter(community, this.data.year, this.data.quarter, { quiet: true }), (h) => {
        // The server says which quarter it answered (the current one when none was named) and whether it is over.
        this.setData({ figures: honour.view(h), year: h.year, quarter: h.quarter, canNext: !!h.complete })
      })
    },
    onPrevious() {
      this.setData(honour.previous(this.data.year, this.data.quarter))
      return this.load()
    },
    onNext() {
      if (!this.data.canNext) return Promise.resolve()
      this.setData(honour.next(this.data.year, this.data.quarter))
      return this.load()
    },
  },
})
