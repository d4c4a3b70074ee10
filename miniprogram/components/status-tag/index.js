/** A status in words with a mark; the colour only repeats what the words say. */

const labels = require('../../utils/labels')

const TABLES = {
  request: labels.REQUEST_STATUS,
  task: labels.TASK_STATUS,
  record: labels.RECORD_STATUS,
  payback: labels.PAYBACK_STATUS,
  agreement: labels.AGREEMENT_STATUS,
  event: labels.EVENT_STATUS,
  award: labels.AWARD_STATUS,
  objection: labels.OBJECTION_STATUS,
  visit: labels.VISIT_STATUS,
  kinship: labels.KINSHIP_STATUS,
}

Component({
  behaviors: [require('../../behaviors/elder')],
  properties: {
    kind: { type: String, value: 'request' },
    status: { type: String, value: '' },
    // The server's status_label: the words shown (the table's own only where there is none).
    fallback: { type: String, value: '' },
  },
  data: { label: { text: '', mark: '', tone: 'wait' } },
  observers: {
    'kind, status, fallback': function (kind, status, fallback) {
      this.setData({ label: labels.status(TABLES[kind] || labels.REQUEST_STATUS, status, fallback) })
    },
  },
})
