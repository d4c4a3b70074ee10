/**
 * 志愿者登记 / 档案: register as a volunteer or edit the profile — teams, service intentions,
 * weekly availability, separate consents (political status; health needs), and whether my
 * full name may appear in the community's public notices (公告; masked otherwise).
 * Registering is an application (志愿者审核): the page says it waits for the station, or why it
 * was not approved — then the same form sends a new application.
 */

const catalog = require('../../services/catalog')
const volunteers = require('../../services/volunteers')
const me = require('../../services/me')
const labels = require('../../utils/labels')
const validate = require('../../utils/validate')
const nav = require('../../utils/nav')

const STATUS_WORDS = { pending: '审核中', rejected: '没有通过', active: '在岗服务中', retired: '已退出服务', suspended: '暂停服务' }

/** register: a first application; reapply: after a rejection (POST again); edit: the profile (PATCH). */
function modeFor(vol) {
  if (!vol) return 'register'
  return vol.status === 'rejected' ? 'reapply' : 'edit'
}

function grid(availability) {
  const on = {}
  ;(availability || []).forEach((a) => { on[`${a.weekday}-${a.slot}`] = true })
  return labels.WEEKDAY_NAMES.map((name, i) => ({
    weekday: i + 1,
    name: `周${name}`,
    slots: labels.SLOTS.map((s) => ({ slot: s.code, name: s.name, on: !!on[`${i + 1}-${s.code}`] })),
  }))
}

function chosen(list, key, picked) {
  return list.map((x) => Object.assign({}, x, { on: picked.indexOf(x[key]) >= 0 }))
}

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    mode: 'register',
    volunteer: null, statusText: '', application: null,
    slots: labels.SLOTS, politicalStatuses: labels.POLITICAL_STATUSES,
    categories: [], teams: [], grid: [],
    form: {
      name: '', gender: '', birth_date: '', phone: '', occupation: '', specialties: '',
      consent_political: false, political_status: '', consent_health: false, health_needs: '', public_name: false,
    },
  },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const all = Promise.all([catalog.getCatalog({ quiet: true }), me.getMe({ quiet: true })]).then(([c, m]) => {
        const v = m.volunteer ? volunteers.get(m.volunteer.id, { quiet: true }) : Promise.resolve(null)
        return v.then((vol) => [c, m, vol])
      })
      return this.track(all, ([c, m, vol]) => {
        const src = vol || m
        this.setData({
          mode: modeFor(vol),
          volunteer: vol,
          application: labels.application(vol),
          statusText: vol ? `${STATUS_WORDS[vol.status] || vol.status}${vol.retired_reason ? `（${labels.RETIRE_REASONS[vol.retired_reason] || vol.retired_reason}）` : ''}` : '',
          categories: chosen(c.categories, 'code', (vol && vol.intentions) || []),
          teams: chosen(c.teams, 'id', ((vol && vol.teams) || []).map((t) => t.id)),
          grid: grid(vol && vol.availability),
          form: {
            name: src.name || '', gender: src.gender || '', birth_date: src.birth_date || '', phone: src.phone || '',
            occupation: (vol && vol.occupation) || '', specialties: (vol && vol.specialties) || '',
            consent_political: !!(vol && vol.consent_political), political_status: (vol && vol.political_status) || '',
            consent_health: !!m.consent_health, health_needs: m.health_needs || '',
            public_name: !!(vol && vol.public_name),
          },
          healthBefore: { consent: !!m.consent_health, needs: m.health_needs || '' },
        })
      })
    },
    onGender(e) {
      this.setData({ 'form.gender': e.currentTarget.dataset.value, 'errors.gender': '' })
    },
    onBirth(e) {
      this.setData({ 'form.birth_date': e.detail.value, 'errors.birth_date': '' })
    },
    onIntention(e) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`categories[${i}].on`]: !this.data.categories[i].on, 'errors.intentions': '' })
    },
    onTeam(e) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`teams[${i}].on`]: !this.data.teams[i].on })
    },
    onSlot(e) {
      const { row, col } = e.currentTarget.dataset
      const key = `grid[${row}].slots[${col}].on`
      this.setData({ [key]: !this.data.grid[row].slots[col].on })
    },
    onPoliticalConsent(e) {
      this.setData({ 'form.consent_political': !!e.detail.value, 'errors.political_status': '' })
    },
    onPolitical(e) {
      this.setData({ 'form.political_status': this.data.politicalStatuses[Number(e.detail.value)], 'errors.political_status': '' })
    },
    onHealthConsent(e) {
      this.setData({ 'form.consent_health': !!e.detail.value })
    },
    onPublicName(e) {
      this.setData({ 'form.public_name': !!e.detail.value })
    },
    body() {
      const f = this.data.form
      const body = {
        name: f.name.trim(), gender: f.gender, birth_date: f.birth_date, phone: f.phone.trim(),
        occupation: f.occupation.trim(), specialties: f.specialties.trim(),
        intentions: this.data.categories.filter((c) => c.on).map((c) => c.code),
        team_ids: this.data.teams.filter((t) => t.on).map((t) => t.id),
        availability: [],
        consent_political: f.consent_political,
        public_name: f.public_name,
      }
      this.data.grid.forEach((row) => row.slots.forEach((s) => {
        if (s.on) body.availability.push({ weekday: row.weekday, slot: s.slot })
      }))
      if (f.consent_political) body.political_status = f.political_status
      return body
    },
    healthChange() {
      const f = this.data.form
      const before = this.data.healthBefore || {}
      if (f.consent_health === before.consent && f.health_needs === before.needs) return null
      return f.consent_health ? { consent_health: true, health_needs: f.health_needs.trim() } : { consent_health: false }
    },
    onSubmit() {
      const body = this.body()
      if (this.refuse(validate.checkVolunteer(body))) return Promise.resolve()
      const editing = this.data.mode === 'edit'
      const applying = !editing
      // A masked phone (138****0001) is what the server sent back: do not send it as a change.
      if (editing && body.phone.indexOf('*') >= 0) delete body.phone
      const health = this.healthChange()
      return this.submitting(() => (editing ? volunteers.update(this.data.volunteer.id, body) : volunteers.register(body))
        .then(() => (health ? me.updateMe(health) : null))
        .then(() => me.getMe({ quiet: true }).catch(() => null))
        .then(() => true))
        .then((sent) => {
          if (!sent) return null
          nav.toast(applying ? '申请已提交' : '已保存')
          return this.load()
        }, (err) => this.showServerErrors(err))
    },
  },
})
