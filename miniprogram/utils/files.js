/**
 * Files on the phone: a PDF the API serves opened in WeChat's viewer (certificates, audit
 * reports), and a JSON document saved where the person can send it on (my data export).
 */

const api = require('../api/request')

function opened(filePath, fileType) {
  return new Promise((resolve) => {
    wx.openDocument({
      filePath, fileType, showMenu: true,
      success: () => resolve(true),
      fail: () => {
        wx.showModal({ title: '提示', content: '文件已下载，但没能打开，请稍后再试', showCancel: false, confirmText: '知道了' })
        resolve(false)
      },
    })
  })
}

/** Download a PDF from the API and open it (with WeChat's menu to forward or print); false when it could not be. */
function openPdf(path, params) {
  wx.showLoading({ title: '正在下载', mask: true })
  return api.download(path, params).then((filePath) => {
    wx.hideLoading()
    return opened(filePath, 'pdf')
  }, () => {
    wx.hideLoading() // the request wrapper has said why
    return false
  })
}

/** Save a value as pretty JSON under the mini-program's own folder; resolves with the path. */
function saveJson(fileName, value) {
  const filePath = `${wx.env.USER_DATA_PATH}/${fileName}`
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().writeFile({
      filePath, data: JSON.stringify(value, null, 2), encoding: 'utf8',
      success: () => resolve(filePath),
      fail: (err) => reject(new api.ApiError({ message: `没能保存到手机：${(err && err.errMsg) || ''}` })),
    })
  })
}

/** A JSON file saved before; null when it is gone. */
function readJson(filePath) {
  try {
    return JSON.parse(wx.getFileSystemManager().readFileSync(filePath, 'utf8'))
  } catch (_err) {
    return null
  }
}

/** Send a saved file to a WeChat chat (to oneself: 文件传输助手), the way a file leaves a mini-program. */
function share(filePath, fileName) {
  return new Promise((resolve) => {
    if (!wx.shareFileMessage) {
      resolve(false)
      return
    }
    wx.shareFileMessage({ filePath, fileName, success: () => resolve(true), fail: () => resolve(false) })
  })
}

module.exports = { openPdf, saveJson, readJson, share }
