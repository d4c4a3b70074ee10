/** A public notice's heading and figures (totals by team and category, each volunteer's hours, names masked as the server sends them). */

Component({
  behaviors: [require('../../behaviors/elder')],
  // `notice`: utils/notice.full().
  properties: {
    notice: { type: Object, value: null },
    // all | head (title and objection window) | figures (the quarter's totals and hours).
    part: { type: String, value: 'all' },
  },
})
