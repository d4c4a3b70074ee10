/**
 * 自主开展: a volunteer reports a service they organised, naming a witness who will confirm it.
 * Opened with `?id=` it corrects that report while it awaits its witness: the same form, filled
 * in, and only what changed is sent.
 */

const catalog = require('../../services/catalog')
const records = require('../../services/records')
const format = require('../../utils/format')
const labels = require('../../utils/labels')
const validate = require('../../utils/validate')
const nav = require('../../utils/nav')

// The server's fields shown under the form's: the time window, and the witness it asks for.
const FIELD_OF = { started_at: 'window', ended_at: 'window', witness_member_id: 'witness_name' }

/** The menu positions of a record's category and item, found by the names the record shows. */
function menuIndexes(categories, record) {
  const catIndex = categories.findIndex((c) => c.name === record.category_name)
  const items = catIndex >= 0 ? categories[catIndex].items || [] : []
  return { catIndex, itemIndex: items.findIndex((i) => i.name === record.item_name) }
}

/** What the edit changes, as the API names it: only the fields that differ from `before`. */
function changesFrom(before, now) {
  const out = {}
  if (now.category_code !== before.category_code) {
    out.category_code = now.category_code
    out.item_code = now.item_code // an item belongs to its category: a new category needs its item
  } else if (now.item_code !== before.item_code) {
    out.item_code = now.item_code
  }
  ;['place', 'content'].forEach((k) => {
    if (now[k] !== before[k]) out[k] = now[k]
  })
  if (now.day !== before.day || now.start !== before.start) out.started_at = format.toApiDateTime(now.day, now.start)
  if (now.day !== before.day || now.end !== before.end) out.ended_at = format.toApiDateTime(now.day, now.end)
  // A new phone, or a new name, is a new witness: both are sent (a phone left blank keeps the old one).
  if (now.witness_name !== before.witness_name || now.witness_phone) {
    out.witness_name = now.witness_name
    if (now.witness_phone) out.witness_phone = now.witness_phone
  }
  return out
}

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    categories: [], catIndex: -1, itemIndex: -1,
    place: '', content: '', witness_name: '', witness_phone: '',
    editing: false, emptyText: '',
  },
  methods: {
    onLoad(query) {
      this.recordId = Number(query && query.id) || null
      if (this.recordId) {
        this.setData({ editing: true })
        if (wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title: '修改服务记录' })
      }
      this.load()
    },
    load() {
      if (!this.recordId) {
        return this.track(catalog.getCatalog({ quiet: true }), (c) => {
          this.setData({ categories: c.categories })
        })
      }
      const both = Promise.all([catalog.getCatalog({ quiet: true }), records.get(this.recordId, { quiet: true })])
      return this.track(both, ([c, record]) => this.fillIn(c.categories, record))
    },
    /** The form filled in with the report; false (nothing to edit, and why) once it no longer waits for its witness. */
    fillIn(categories, record) {
      if (record.status !== 'reported' || record.source !== 'self_report') {
        const now = labels.status(labels.RECORD_STATUS, record.status, record.status_label).text
        this.setData({ emptyText: `这条记录现在是“${now}”，不能再修改了` })
        return false
      }
      const start = format.parts(record.started_at)
      const end = format.parts(record.ended_at)
      this.setData({
        categories, ...menuIndexes(categories, record),
        day: record.started_at.slice(0, 10), // the date as written: the community's own (+08:00)
        start: `${start.hh}:${start.mm}`, end: `${end.hh}:${end.mm}`,
        place: record.place || '', content: record.content || '',
        witness_name: record.witness_name || '', witness_phone: '', errors: {},
      })
      this.before = this.fields()
      return true
    },
    onCategory(e) {
      this.setData({ catIndex: Number(e.detail.value), itemIndex: -1, 'errors.category_code': '' })
    },
    onItem(e) {
      this.setData({ itemIndex: Number(e.detail.value), 'errors.item_code': '' })
    },
    /** The form as typed, trimmed, with the menu codes picked. */
    fields() {
      const d = this.data
      const cat = d.categories[d.catIndex]
      const item = cat && cat.items[d.itemIndex]
      return {
        category_code: cat ? cat.code : '', item_code: item ? item.code : '',
        place: d.place.trim(), content: d.content.trim(), day: d.day, start: d.start, end: d.end,
        witness_name: d.witness_name.trim(), witness_phone: d.witness_phone.trim(),
      }
    },
    onSubmit() {
      const f = this.fields()
      if (this.refuse(validate.checkReport(f, this.data.today, this.before))) return Promise.resolve()
      return this.recordId ? this.sendEdit(f) : this.sendReport(f)
    },
    sendReport(f) {
      const body = {
        category_code: f.category_code,
        item_code: f.item_code,
        place: f.place,
        started_at: format.toApiDateTime(f.day, f.start),
        ended_at: format.toApiDateTime(f.day, f.end),
        content: f.content,
        witness_name: f.witness_name,
        witness_phone: f.witness_phone,
      }
      return this.sendForm(() => records.report(body), () => {
        nav.toast('已登记')
        wx.navigateBack({ delta: 1 })
      }, FIELD_OF)
    },
    /**
     * Only the changes go. A 409 (the witness confirmed or disputed meanwhile) has been shown with
     * the server's words; the page then reads the record again and says it can no longer be changed.
     */
    sendEdit(f) {
      const changes = changesFrom(this.before, f)
      if (!Object.keys(changes).length) {
        wx.showToast({ title: '您还没有改动', icon: 'none' })
        return Promise.resolve()
      }
      return this.submitting(() => records.edit(this.recordId, changes)).then((answer) => {
        if (!answer) return
        nav.toast('已修改')
        wx.navigateBack({ delta: 1 })
      }, (err) => (err && err.status === 409 ? this.load() : this.showServerErrors(err, FIELD_OF)))
    },
  },
})
