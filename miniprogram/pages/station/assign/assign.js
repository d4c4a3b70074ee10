/**
 * 服务站 · 指派 (pages/station/assign/assign?task_id=N, opened from the desk and from the alert that a
 * promise is at risk): the task and the time left, then one choice — a volunteer matching suggested
 * (or any active volunteer), or a contracted provider serving the task's category — a note, confirm.
 * A task a provider took shows the form to record the provider's visit instead.
 */

const tasks = require('../../../services/tasks')
const providers = require('../../../services/providers')
const volunteers = require('../../../services/volunteers')
const format = require('../../../utils/format')
const nav = require('../../../utils/nav')

const DURATIONS = [30, 60, 90, 120, 180, 240]

/** Matching's suggestions, newest opening first, each volunteer once, best first. */
function suggested(candidates) {
  const seen = {}
  const out = []
  ;((candidates && candidates.openings) || []).forEach((o) => {
    o.candidates.forEach((c) => {
      if (seen[c.volunteer.member_id]) return
      seen[c.volunteer.member_id] = true
      out.push({ id: c.volunteer.member_id, name: c.volunteer.name, no: c.volunteer.volunteer_no || '', why: whyWords(c) })
    })
  })
  return out
}

function whyWords(c) {
  const notes = Object.keys(c.components || {}).map((k) => c.components[k].note).filter(Boolean)
  return notes.slice(0, 2).join('，')
}

/** "还剩5小时" / "已超过2小时" from the promise the server gives (promise_due_at), or '' when none. */
function timeLeft(task, now) {
  const due = format.epochMs(task.promise_due_at)
  if (!task.promise_due_at || Number.isNaN(due)) return ''
  const minutes = Math.round((due - now) / 60000)
  const words = (m) => (m >= 60 ? `${Math.floor(m / 60)}小时${m % 60 ? `${m % 60}分钟` : ''}` : `${m}分钟`)
  return minutes >= 0 ? `离承诺的派人时间还剩${words(minutes)}` : `已超过承诺时间${words(-minutes)}`
}

function providerRow(p, categoryCode) {
  const serves = p.categories.some((c) => c.code === categoryCode)
  return Object.assign({}, p, { serves, served: p.categories.map((c) => c.name).join('、') })
}

Component({
  behaviors: [require('../../../behaviors/page')],
  data: {
    taskId: null, task: null, left: '', suggested: [], others: [], providers: [], choice: null, note: '',
    done: null, durations: DURATIONS.map((m) => ({ minutes: m, text: format.hours(m) })), start: '09:00', minutes: 0,
    content: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ taskId: Number(query && query.task_id) })
      this.load()
    },
    load() {
      const id = this.data.taskId
      const quietly = (p, empty) => p.then((v) => v, () => empty)
      return this.track(tasks.get(id, { quiet: true }).then((task) => Promise.all([
        task,
        task.status === 'open' ? quietly(tasks.candidates(id, { quiet: true }), null) : null,
        task.status === 'open' ? quietly(volunteers.list({ status: 'active' }, { quiet: true }), []) : [],
        task.status === 'open' ? quietly(providers.list({ active: true }, { quiet: true }), []) : [],
      ])), ([task, candidates, all, contracted]) => {
        const first = suggested(candidates)
        const asked = {}
        first.forEach((v) => { asked[v.id] = true })
        const others = (all || []).filter((v) => !asked[v.member_id] && v.status === 'active')
          .map((v) => ({ id: v.member_id, name: v.name, no: v.volunteer_no || '', why: '' }))
        this.setData({
          task, left: timeLeft(task, Date.now()), suggested: first, others,
          providers: (contracted || []).map((p) => providerRow(p, task.category_code)),
          start: format.time(task.window_start) || '09:00', content: task.description || '',
        })
      })
    },
    onPickVolunteer(e) {
      const list = this.data.suggested.concat(this.data.others)
      const v = list.find((x) => x.id === e.currentTarget.dataset.id)
      this.setData({ choice: { kind: 'volunteer', id: v.id, name: v.name } })
    },
    onPickProvider(e) {
      const p = this.data.providers.find((x) => x.id === e.currentTarget.dataset.id)
      if (!p.serves) {
        wx.showToast({ title: `${p.name}不提供这类服务`, icon: 'none' })
        return
      }
      this.setData({ choice: { kind: 'provider', id: p.id, name: p.name } })
    },
    onNote(e) {
      this.setData({ note: e.detail.value })
    },
    onAssign() {
      const c = this.data.choice
      if (!c) {
        wx.showToast({ title: '请先选一位志愿者或一家机构', icon: 'none' })
        return Promise.resolve(false)
      }
      const body = c.kind === 'volunteer' ? { volunteer_id: c.id } : { provider_id: c.id }
      if (this.data.note.trim()) body.note = this.data.note.trim()
      const content = c.kind === 'volunteer'
        ? `指派给志愿者${c.name}？系统会马上通知他，他不方便可以婉拒。`
        : `指派给${c.name}上门服务？服务对象家里会收到通知。机构上门后，请在这里登记服务。`
      return this.act(() => tasks.assign(this.data.taskId, body).then((task) => this.setData({ done: c.name, task })),
        '已指派', { title: '确认指派', content, confirmText: '指派', cancelText: '再想想' })
    },
    onStart(e) {
      this.setData({ start: e.detail.value })
    },
    onDuration(e) {
      this.setData({ minutes: Number(e.currentTarget.dataset.minutes) })
    },
    onContent(e) {
      this.setData({ content: e.detail.value })
    },
    onRecordService() {
      const { start, minutes, content, task } = this.data
      if (!minutes) {
        wx.showToast({ title: '请选服务了多长时间', icon: 'none' })
        return Promise.resolve(false)
      }
      const day = format.today()
      const [h, m] = start.split(':').map(Number)
      const end = h * 60 + m + minutes
      if (end >= 24 * 60) {
        wx.showToast({ title: '一条记录只能记同一天的服务', icon: 'none' })
        return Promise.resolve(false)
      }
      const endText = `${String(Math.floor(end / 60)).padStart(2, '0')}:${String(end % 60).padStart(2, '0')}`
      const body = { started_at: format.toApiDateTime(day, start), ended_at: format.toApiDateTime(day, endText), content }
      return this.act(() => tasks.providerService(this.data.taskId, body), '已登记', {
        title: '登记机构上门服务',
        content: `${task.provider.name}今天${start}起服务${format.hours(minutes)}。登记后请服务对象或家属确认，确认后从他家存折扣除时间，不给任何人记时长。`,
        confirmText: '登记',
        cancelText: '再看看',
      })
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
    onBack() {
      wx.navigateBack()
    },
    go: nav.go,
  },
})
