// Chimba dashboard: the little JavaScript the pages use. No framework, no build step.
// Pages work without it; it adds the live broadcast preview and an SMS counter for replies.
'use strict';

(function () {
  function csrfToken() {
    var field = document.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function tableOf(headers, rows) {
    var t = el('table', undefined, 'numbers');
    var head = t.createTHead().insertRow();
    headers.forEach(function (h) {
      var th = el('th', h);
      th.scope = 'col';
      head.appendChild(th);
    });
    var body = t.createTBody();
    rows.forEach(function (r) {
      var tr = body.insertRow();
      r.forEach(function (c) {
        tr.insertCell().textContent = String(c);
      });
    });
    return t;
  }

  // ---- broadcast preview: segments, recipients and cost per language, as staff type ----
  var form = document.getElementById('compose');
  var out = document.getElementById('preview');
  if (form && out) {
    var timer = null;
    var seq = 0;
    var L = out.dataset;
    var render = function (p) {
      out.replaceChildren();
      var langs = Object.keys(p.segments);
      if (!langs.length) {
        out.appendChild(el('p', L.empty, 'muted'));
        return;
      }
      var summary = el('p');
      summary.id = 'preview-summary';
      summary.textContent =
        L.lRecipients +
        ': ' +
        p.recipients +
        ' · ' +
        L.lSmsmessages +
        ': ' +
        p.totalSmsSegments +
        ' · ' +
        L.lTelegram +
        ': ' +
        p.telegramMessages +
        ' · ' +
        L.lWhatsapp +
        ': ' +
        (p.whatsappMessages || 0) +
        ' · ' +
        L.lCost +
        ': ' +
        p.estimatedCost.amount +
        ' ' +
        p.estimatedCost.currency +
        ' · ' +
        L.lExcluded +
        ': ' +
        (p.excluded.optedOut + p.excluded.noChannel + (p.excluded.untranslated || 0));
      out.appendChild(summary);
      // people who prefer calls, and those the line could not speak to (no voice, no recording)
      if (p.calls && p.calls.calls) {
        var calls = el('p', L.lCalls + ': ' + p.calls.calls);
        calls.id = 'preview-calls';
        out.appendChild(calls);
        var silent = Object.keys(p.calls.silent);
        if (silent.length) {
          var warn = el(
            'p',
            L.lSilent +
              ': ' +
              silent
                .map(function (l) {
                  return l + ' (' + p.calls.silent[l] + ')';
                })
                .join(', '),
            'error',
          );
          warn.id = 'preview-silent';
          out.appendChild(warn);
        }
      }
      // who reads each language, and what they get: their own text, a fallback, or nothing
      if (p.languages && p.languages.length) {
        out.appendChild(el('h3', L.lPlan));
        var plan = tableOf(
          [L.lLanguage, L.lPeople, L.lGets],
          p.languages.map(function (x) {
            var gets = !x.gets ? L.lNotsent : x.fallback ? L.lFallback.replace('{lang}', x.gets) : L.lOwn;
            return [x.language, x.recipients, gets];
          }),
        );
        plan.id = 'preview-plan';
        p.languages.forEach(function (x, i) {
          plan.tBodies[0].rows[i].dataset.lang = x.language;
          plan.tBodies[0].rows[i].dataset.gets = x.gets || '';
        });
        out.appendChild(plan);
      }
      var rows = langs.map(function (l) {
        var s = p.segments[l];
        var sms = (p.byChannel.sms && p.byChannel.sms[l]) || 0;
        var tg = (p.byChannel.telegram && p.byChannel.telegram[l]) || 0;
        var cost = (p.estimatedCost.byLanguage && p.estimatedCost.byLanguage[l]) || 0;
        return [l, s.segments, s.encoding, s.characters, sms + tg, cost + ' ' + p.estimatedCost.currency];
      });
      var t = tableOf([L.lLanguage, L.lSegments, L.lEncoding, L.lCharacters, L.lRecipients, L.lCost], rows);
      t.id = 'preview-segments';
      langs.forEach(function (l, i) {
        t.tBodies[0].rows[i].dataset.lang = l;
        t.tBodies[0].rows[i].cells[1].className = 'segments';
      });
      out.appendChild(t);
    };
    var update = function () {
      var mine = ++seq;
      var data = new URLSearchParams(new FormData(form));
      fetch('/dashboard/broadcasts/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrfToken() },
        body: data,
        credentials: 'same-origin',
      })
        .then(function (res) {
          return res.json().then(function (body) {
            return { ok: res.ok, body: body };
          });
        })
        .then(function (r) {
          if (mine !== seq) return; // a newer preview is on its way
          if (r.ok) render(r.body);
          else {
            out.replaceChildren(el('p', (r.body.error && r.body.error.message) || L.error, 'muted'));
          }
        })
        .catch(function () {
          if (mine === seq) out.replaceChildren(el('p', L.error, 'error'));
        });
    };
    form.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(update, 300); // one request per pause in typing: the link may be slow
    });
    form.addEventListener('change', function () {
      clearTimeout(timer);
      update();
    });
  }

  // ---- reply counter: a reply to a reporter must fit one SMS ----
  var reply = document.getElementById('reply');
  var cost = document.getElementById('reply-cost');
  if (reply && cost) {
    var GSM =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    var EXT = '^{}\\[~]|€\f';
    // the same folding the server applies before sending (empty when the deployment does not fold)
    var folds = reply.dataset.fold ? JSON.parse(reply.dataset.fold) : {};
    var count = function () {
      var text = '';
      for (var c of (reply.dataset.smsPrefix || '') + reply.value)
        text += folds[c] !== undefined ? folds[c] : c;
      var units = 0;
      var gsm = true;
      for (var ch of text) {
        if (GSM.indexOf(ch) >= 0) units += 1;
        else if (EXT.indexOf(ch) >= 0) units += 2;
        else gsm = false;
      }
      var length = gsm ? units : text.length;
      var limit = gsm ? 160 : 70;
      cost.textContent = length + ' / ' + limit + (gsm ? '' : ' (UCS-2)');
      cost.className = length > limit ? 'error' : 'hint';
    };
    reply.addEventListener('input', count);
    count();
  }
})();
