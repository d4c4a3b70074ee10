/**
 * One task on the board or in my tasks; the page decides which buttons to offer. A payback opened to the
 * network from another community (通存通兑, the server's `from_other_community`) reads 来自XX社区.
 */

const format = require('../../utils/format')
const labels = require('../../utils/labels')

Component({
  behaviors: [require('../../behaviors/elder')],
  properties: {
    task: { type: Object, value: {} },
  },
  data: { view: {} },
  observers: {
    task(t) {
      if (!t) return
      this.setData({
        view: {
          when: format.windowText(t.window_start, t.window_end),
          duration: t.estimated_minutes ? `约 ${format.hours(t.estimated_minutes)}` : '',
          source: labels.SOURCES[t.source] || '',
          priority: !!t.priority || t.source === 'payback',
          urgent: t.urgency === 'urgent',
          status: t.held && t.status === 'open' ? 'held' : t.status,
          fromCommunity: t.from_other_community && t.community_name ? `来自${t.community_name}` : '',
        },
      })
    },
  },
})
