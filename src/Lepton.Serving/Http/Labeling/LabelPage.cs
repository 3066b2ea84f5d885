namespace Lepton.Serving.Http.Labeling;

/// <summary>
/// The labeling page: one self-contained HTML document (inline style and one inline script, run by nonce; no outside assets)
/// that shows one image at a time, large, with a button per class. Keys 1..9 and 0 label with the first ten classes; the
/// right arrow or space skips, the left arrow goes back. Each label is posted at once and the next image shown.
/// </summary>
public static class LabelPage
{
    public static string Render(string nonce, bool enabled) =>
        $$"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,"><title>Lepton labeling</title><style>{{Css}}</style></head>
        <body data-current=""><header><h1>Lepton labeling</h1><p><span id="dataset"></span> · <span id="progress">loading…</span></p></header>
        <main>
        {{(enabled ? "" : "<p class=\"note bad\">This server was started without image data sets to label; start it with lepton serve --label NAME.</p>")}}
        <p id="error" class="note bad" role="alert" hidden></p>
        <figure><img id="image" alt="" hidden><figcaption id="caption"></figcaption><p id="guesses" class="muted"></p></figure>
        <div id="classes" class="classes"></div>
        <p class="muted">Keys: 1..9, 0 label with a class · → or space skips · ← goes back. <span id="status"></span></p>
        <p><input id="new-class" maxlength="200" placeholder="another class" aria-label="another class"> <button type="button" id="add">add class</button></p>
        </main>
        <script nonce="{{nonce}}">{{Script}}</script></body></html>
        """;

    private const string Css = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f4f6;color:#111827}
        header{background:#111827;color:#f9fafb;padding:10px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0;color:#d1d5db}
        main{padding:16px 24px;max-width:1100px}figure{margin:0 0 12px}
        #image{display:block;width:min(70vh,90vw);height:min(70vh,90vw);object-fit:contain;image-rendering:pixelated;background:#fff;border:1px solid #e5e7eb}
        #image[hidden]{display:none}figcaption{font-weight:600;margin-top:6px;word-break:break-all}
        .classes{display:flex;flex-wrap:wrap;gap:8px}.classes button{font-size:16px;padding:8px 14px;border-radius:6px;border:1px solid #9ca3af;background:#fff;cursor:pointer}
        .classes button:hover{background:#eef2ff}kbd{font:12px ui-monospace,monospace;background:#e5e7eb;border-radius:3px;padding:0 4px;margin-right:6px}
        .muted{color:#6b7280}.note{background:#fef3c7;padding:8px 12px;border-radius:6px}.bad{color:#b91c1c}
        """;

    // textContent only (never innerHTML): class names and paths come from data and are shown as text.
    private const string Script = """
        (() => {
          const params = new URLSearchParams(location.search);
          const state = { dataset: params.get('dataset') || '', model: params.get('model') || '', version: 0, classes: [], queue: [], pos: 0, labelled: 0, busy: false };
          const $ = id => document.getElementById(id);
          const ref = () => state.dataset + '@' + state.version;
          const current = () => state.queue[state.pos];
          function showError(text) { $('error').textContent = text; $('error').hidden = false; }
          async function load() {
            const p = new URLSearchParams();
            if (state.dataset) p.set('dataset', state.dataset);
            if (state.model) p.set('model', state.model);
            const r = await fetch('/label/queue?' + p, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
            const body = await r.json().catch(() => ({}));
            if (!r.ok) { showError(body.error || ('HTTP ' + r.status)); $('progress').textContent = ''; return; }
            Object.assign(state, { dataset: body.dataset, version: body.version, classes: body.classes, queue: body.queue, labelled: body.labelled, pos: 0 });
            renderButtons();
            show();
          }
          function renderButtons() {
            const box = $('classes');
            box.textContent = '';
            state.classes.forEach((c, i) => {
              const b = document.createElement('button');
              b.type = 'button';
              b.dataset.label = c;
              const key = i < 9 ? String(i + 1) : i === 9 ? '0' : '';
              if (key) { const k = document.createElement('kbd'); k.textContent = key; b.appendChild(k); }
              b.appendChild(document.createTextNode(c));
              b.addEventListener('click', () => label(c));
              box.appendChild(b);
            });
          }
          function show() {
            const t = current();
            $('dataset').textContent = ref();
            $('progress').textContent = state.labelled + ' labelled · ' + state.queue.length + ' in the queue';
            document.body.dataset.current = t ? t.id : '';
            if (!t) { $('image').hidden = true; $('caption').textContent = 'Nothing left to label.'; $('guesses').textContent = ''; return; }
            $('image').hidden = false;
            $('image').src = '/label/image/' + t.id + '?dataset=' + encodeURIComponent(ref());
            $('image').alt = t.display;
            $('caption').textContent = (state.pos + 1) + ' / ' + state.queue.length + ': ' + t.display
              + (t.uncertainty == null ? '' : ' · uncertainty ' + t.uncertainty.toFixed(2));
            $('guesses').textContent = t.guesses.length
              ? 'model guesses: ' + t.guesses.map(g => g.label + ' ' + (100 * g.probability).toFixed(0) + '%').join(', ') : '';
          }
          async function label(c) {
            const t = current();
            if (!t || state.busy) return;
            state.busy = true;
            try {
              const r = await fetch('/label', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ dataset: ref(), id: t.id, label: c }) });
              const body = await r.json().catch(() => ({}));
              if (!r.ok) { showError(body.error || ('HTTP ' + r.status)); return; }
              $('error').hidden = true;
              state.queue.splice(state.pos, 1);
              if (state.pos >= state.queue.length) state.pos = 0;
              if (body.outcome === 'recorded') state.labelled++;
              $('status').textContent = 'stored: ' + body.display + ' → ' + body.label;
              show();
            } catch (e) {
              showError('The label could not be sent: ' + e.message);
            } finally {
              state.busy = false;
            }
          }
          function skip(step) {
            if (state.queue.length === 0) return;
            state.pos = (state.pos + step + state.queue.length) % state.queue.length;
            show();
          }
          document.addEventListener('keydown', e => {
            if (e.target && e.target.tagName === 'INPUT') return;
            if (e.ctrlKey || e.metaKey || e.altKey) return;
            if (/^[0-9]$/.test(e.key)) {
              const i = e.key === '0' ? 9 : Number(e.key) - 1;
              if (i < state.classes.length) { e.preventDefault(); label(state.classes[i]); }
            } else if (e.key === 'ArrowRight' || e.key === ' ') { e.preventDefault(); skip(1); }
            else if (e.key === 'ArrowLeft') { e.preventDefault(); skip(-1); }
          });
          $('add').addEventListener('click', () => {
            const name = $('new-class').value.trim();
            if (name && !state.classes.includes(name)) { state.classes.push(name); renderButtons(); }
            $('new-class').value = '';
          });
          load().catch(e => showError('The queue could not be loaded: ' + e.message));
        })();
        """;
}
