// The txorders admin page: plain script, no build step. Credentials stay in this tab's
// sessionStorage and go out as an Authorization header on each API call.
(function () {
  'use strict';

  const KEY = 'txorders-admin';
  const $ = (id) => document.getElementById(id);

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  async function api(path, method, payload, extraHeaders) {
    const headers = Object.assign({
      'Authorization': 'Basic ' + sessionStorage.getItem(KEY),
      'Accept': 'application/json',
      // Tells the server not to send a Basic challenge: no browser dialog.
      'X-Requested-With': 'XMLHttpRequest'
    }, extraHeaders || {});
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch('api/' + path, {
      method: method || 'GET',
      headers: headers,
      body: payload === undefined ? undefined : JSON.stringify(payload)
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401) {
      signOut('Wrong username or password.');
      throw new ApiError(401, 'not signed in');
    }
    if (!response.ok) {
      throw new ApiError(response.status, body.detail || ('HTTP ' + response.status));
    }
    return body;
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = (text === null || text === undefined) ? '-' : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, columns, emptyText) {
    fillTable($(tableId), items, columns, emptyText);
  }

  function fillTable(table, items, columns, emptyText) {
    const body = table.querySelector('tbody');
    body.replaceChildren();
    if (items.length === 0) {
      const row = body.insertRow();
      const td = cell(row, emptyText, 'muted');
      td.colSpan = columns.length;
      return;
    }
    for (const item of items) {
      const row = body.insertRow();
      for (const [value, className] of columns.map((c) => c(item))) {
        cell(row, value, className);
      }
    }
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleString() : '-';
  }

  function age(seconds) {
    if (seconds < 120) {
      return seconds + ' s';
    }
    if (seconds < 7200) {
      return Math.floor(seconds / 60) + ' min';
    }
    return Math.floor(seconds / 3600) + ' h';
  }

  function problem(container, ex) {
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = (ex.status === 503 ? 'consumer-service is unreachable. ' : 'Could not load: ') + ex.message;
    container.replaceChildren(p);
  }

  async function loadTransactions() {
    const view = await api('transactions');
    $('in-flight-count').textContent = view.inFlightCount + ' order(s) in flight';
    fill('in-flight', view.inFlight, [
      (o) => [o.orderId, 'mono'], (o) => [o.userId], (o) => [o.total], (o) => [age(o.ageSeconds)],
      (o) => [o.txId, 'mono'], (o) => [o.recordState]
    ], 'Nothing in flight.');
    fill('records', view.recentRecords, [
      (r) => [r.txId, 'mono'], (r) => [r.state], (r) => [time(r.createdAt)],
      (r) => [r.orderId === null ? 'no order (cancel, or rolled back)' : r.orderId, 'mono']
    ], 'No transaction records yet.');
  }

  async function loadCheckbacks() {
    const view = await api('checkbacks');
    fill('checkbacks', view.answers, [
      (a) => [time(a.answeredAt)], (a) => [a.txId, 'mono'], (a) => [a.answer], (a) => [a.instance, 'mono'],
      (a) => [a.durationMs + ' ms']
    ], 'No check-backs answered (the newest ' + view.retained + ' are kept).');
  }

  async function loadReconciliation() {
    const container = $('reconciliation');
    try {
      const result = await api('reconciliation');
      const p = document.createElement('p');
      p.className = result.reconciled ? 'ok' : 'error';
      p.textContent = result.reconciled ? 'Reconciled: OK (checked ' + time(result.checkedAt) + ')'
        : result.violations.length + ' violation(s)';
      const list = document.createElement('ul');
      for (const violation of result.violations) {
        const li = document.createElement('li');
        li.textContent = violation;
        list.appendChild(li);
      }
      container.replaceChildren(p, list);
    } catch (ex) {
      problem(container, ex);
    }
  }

  async function loadDeadLetters() {
    const container = $('dead-letters');
    try {
      const view = await api('dead-letters');
      const groups = view.groups.map((group) => {
        const div = document.createElement('div');
        div.className = 'group';
        div.id = 'group-' + group.group;
        const title = document.createElement('h3');
        title.textContent = group.group + ': ' + group.count + ' dead letter(s), ' + group.waiting + ' not redriven';
        const button = document.createElement('button');
        button.type = 'button';
        button.id = 'redrive-' + group.group;
        button.textContent = 'Redrive ' + group.group;
        button.addEventListener('click', () => redrive(group.group, button));
        const status = document.createElement('span');
        status.className = 'muted redrive-status';
        status.id = 'redrive-status-' + group.group;
        const table = document.createElement('table');
        table.innerHTML = '<thead><tr><th>message</th><th>tag</th><th>key</th><th>attempts</th><th>stored</th>'
          + '<th>redriven</th></tr></thead><tbody></tbody>';
        table.id = 'dlq-' + group.group;
        div.append(title, button, status, table);
        return div;
      });
      container.replaceChildren(...groups);
      for (const group of view.groups) {
        fill('dlq-' + group.group, group.deadLetters, [
          (d) => [d.messageId, 'mono'], (d) => [d.tag], (d) => [d.key, 'mono'], (d) => [d.reconsumeTimes],
          (d) => [time(d.storedAt)], (d) => [d.redriven ? 'yes' : 'no']
        ], 'No dead letters.');
      }
    } catch (ex) {
      problem(container, ex);
    }
  }

  async function redrive(group, button) {
    const status = $('redrive-status-' + group);
    button.disabled = true;
    status.textContent = ' redriving...';
    try {
      const result = await api('dead-letters/' + encodeURIComponent(group) + '/redrive', 'POST');
      await loadDeadLetters();
      $('redrive-status-' + group).textContent = ' ' + result.redriven + ' dead letter(s) sent back';
    } catch (ex) {
      status.textContent = ' ' + ex.message;
      status.className = 'error redrive-status';
      button.disabled = false;
    }
  }

  // The local message table of each app that publishes: producer-service's own (the kit's
  // API, same origin) and consumer-service's (through producer-service).
  const OUTBOXES = { 'producer-service': 'outbox', 'consumer-service': 'consumer/outbox' };

  function clip(text, length) {
    return (text && text.length > length) ? text.substring(0, length) + '...' : text;
  }

  async function loadOutbox(app) {
    const summary = $('outbox-summary-' + app);
    try {
      const view = await api(OUTBOXES[app] + '?limit=20');
      summary.className = (view.breaker === 'CLOSED') ? '' : 'error';
      summary.textContent = 'mode ' + view.mode + ', breaker ' + view.breaker + ', '
        + (view.relay ? 'relay running' : 'no relay') + ', ' + view.pending + ' pending'
        + (view.pending > 0 ? ', oldest ' + age(Math.round(view.oldestSeconds)) : '');
      fill('outbox-rows-' + app, view.oldest, [
        (r) => [time(r.createdAt)], (r) => [r.tag], (r) => [r.key, 'mono'], (r) => [r.reason],
        (r) => [r.attempts], (r) => [time(r.nextAttemptAt)], (r) => [clip(r.lastError, 160)]
      ], 'No event waiting.');
    } catch (ex) {
      if (ex.status !== 401) {
        summary.className = 'error';
        summary.textContent = (app === 'consumer-service') ? problemText(ex) : 'Could not load: ' + ex.message;
      }
    }
  }

  async function outboxAction(app, action, payload, done) {
    const status = $('outbox-status-' + app);
    const buttons = ['open', 'close', 'retry'].map((b) => $('outbox-' + b + '-' + app));
    buttons.forEach((b) => { b.disabled = true; });
    status.className = 'muted';
    status.textContent = ' ...';
    try {
      const result = await api(OUTBOXES[app] + '/' + action, 'POST', payload);
      await loadOutbox(app);
      status.textContent = ' ' + done(result);
    } catch (ex) {
      status.className = 'error';
      status.textContent = ' ' + ((app === 'consumer-service') ? problemText(ex) : ex.message);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  for (const app of Object.keys(OUTBOXES)) {
    $('outbox-open-' + app).addEventListener('click', () => outboxAction(app, 'breaker', { state: 'FORCED_OPEN' },
      (r) => 'breaker ' + r.breaker + ': every event to the table, the relay paused'));
    $('outbox-close-' + app).addEventListener('click', () => outboxAction(app, 'breaker', { state: 'CLOSED' },
      (r) => 'breaker ' + r.breaker + ': the relay is woken'));
    $('outbox-retry-' + app).addEventListener('click', () => outboxAction(app, 'retry', undefined,
      (r) => r.due + ' row(s) due now'));
  }

  // The broker's unfinished transactional messages of each app's producer group: the kit's
  // API in producer-service (same origin) and consumer-service's (through producer-service).
  const HALVES = { 'producer-service': 'half-messages', 'consumer-service': 'consumer/half-messages' };

  function halvesSummary(view) {
    const parts = [view.openCount + ' open', view.discardedWaiting + ' discarded waiting for a resolve'];
    const others = Object.entries(view.openInOtherGroups).map(([group, n]) => n + ' open in ' + group);
    const unread = view.brokers.filter((b) => b.error).map((b) => b.broker + ' not read (' + b.error + ')');
    const truncated = view.brokers.filter((b) => b.truncated).map((b) => b.broker + ' read in part');
    return 'group ' + view.groups.join(', ') + ': ' + parts.concat(others, unread, truncated).join(', ')
      + ' (' + view.brokers.length + ' broker group(s))';
  }

  function resolutionText(r) {
    return r ? r.action + ' (' + r.barrierAnswer + ') by ' + r.resolvedBy + ', ' + time(r.resolvedAt) : null;
  }

  async function loadHalves(app) {
    const summary = $('halves-summary-' + app);
    try {
      const view = await api(HALVES[app] + '?limit=50');
      const unread = view.brokers.some((b) => b.error);
      summary.className = (view.discardedWaiting > 0 || unread) ? 'error' : '';
      summary.textContent = halvesSummary(view);
      fill('halves-open-' + app, view.open, [
        (h) => [h.broker + '@' + h.offset, 'mono'], (h) => [h.topic], (h) => [h.tag], (h) => [h.key, 'mono'],
        (h) => [age(h.ageSeconds)], (h) => [h.checks], (h) => [h.txId, 'mono'], (h) => [h.barrier]
      ], 'No half message open.');
      fill('halves-discarded-' + app, view.discarded, [
        (d) => [d.broker + '@' + d.offset, 'mono'], (d) => [d.topic], (d) => [d.tag], (d) => [d.key, 'mono'],
        (d) => [time(d.bornAt)], (d) => [time(d.discardedAt)], (d) => [d.txId, 'mono'], (d) => [d.barrier],
        (d) => [resolutionText(d.resolution)]
      ], 'None discarded.');
      // The last cell of a waiting one gets its resolve button.
      const rows = $('halves-discarded-' + app).querySelectorAll('tbody tr');
      view.discarded.forEach((d, i) => {
        if (!d.resolution && rows[i]) {
          const id = 'resolve-' + app + '-' + d.broker + '-' + d.offset;
          const label = (d.barrier === 'COMMIT') ? 'Resolve: deliver' : 'Resolve: drop';
          rows[i].lastChild.replaceChildren(button(id, label, () => resolveHalf(app, d)));
        }
      });
    } catch (ex) {
      if (ex.status !== 401) {
        summary.className = 'error';
        summary.textContent = (app === 'consumer-service') ? problemText(ex) : 'Could not load: ' + ex.message;
      }
    }
  }

  async function resolveHalf(app, d) {
    const status = $('halves-status-' + app);
    status.className = 'muted';
    status.textContent = ' resolving ' + d.broker + '@' + d.offset + '...';
    try {
      const result = await api(HALVES[app] + '/discarded/' + encodeURIComponent(d.broker) + '/' + d.offset
        + '/resolve', 'POST');
      await loadHalves(app);
      const r = result.discarded.resolution;
      $('halves-status-' + app).textContent = ' ' + d.broker + '@' + d.offset + ': '
        + (result.alreadyResolved ? 'already ' : '') + r.action.toLowerCase() + ' (barrier: ' + r.barrierAnswer + ')';
    } catch (ex) {
      status.className = 'error';
      status.textContent = ' ' + ((app === 'consumer-service') ? problemText(ex) : ex.message);
    }
  }

  // Accounts: one customer at a time, looked up by name.
  let shownCustomer = null;
  // A deposit's Idempotency-Key lives until the deposit is answered: sending the same
  // deposit again (after a timeout, a double click) reuses it and deposits once.
  let pendingDeposit = null;

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return 'admin-page-' + crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return 'admin-page-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // Amounts arrive as JSON numbers (100.00 reads as 100): shown with their two decimals.
  function money(amount) {
    return (amount === null || amount === undefined) ? '-' : Number(amount).toFixed(2);
  }

  function problemText(ex) {
    return ex.status === 503 ? 'consumer-service is unreachable. ' + ex.message : ex.message;
  }

  async function showAccount(customer) {
    $('account-error').textContent = '';
    try {
      const account = await api('accounts/' + encodeURIComponent(customer));
      shownCustomer = customer;
      $('account').hidden = false;
      $('account-summary').textContent = account.customerId + ': balance ' + money(account.balance) + ' '
        + account.currency + ', frozen ' + money(account.frozen) + ', available ' + money(account.available);
      fill('account-holds', account.holds || [], [
        (h) => [h.orderId, 'mono'], (h) => [money(h.amount) + ' ' + h.currency], (h) => [time(h.at)]
      ], 'No open holds.');
      fill('account-movements', account.movements, [
        (m) => [time(m.at)], (m) => [m.type], (m) => [money(m.amount)], (m) => [m.orderId, 'mono']
      ], 'No movements yet.');
    } catch (ex) {
      if (ex.status !== 401) {
        $('account').hidden = true;
        $('account-error').textContent = problemText(ex);
      }
    }
  }

  async function deposit() {
    const status = $('deposit-status');
    const request = { amount: $('deposit-amount').value.trim() };
    const currency = $('deposit-currency').value.trim();
    if (currency) {
      request.currency = currency;
    }
    const what = JSON.stringify([shownCustomer, request]);
    if (!pendingDeposit || pendingDeposit.what !== what) {
      pendingDeposit = { what: what, key: newKey() };
    }
    $('deposit-submit').disabled = true;
    status.className = 'muted';
    status.textContent = ' depositing...';
    try {
      const done = await api('accounts/' + encodeURIComponent(shownCustomer) + '/deposits', 'POST', request,
        { 'Idempotency-Key': pendingDeposit.key });
      pendingDeposit = null;
      $('deposit-amount').value = '';
      await showAccount(shownCustomer);
      status.className = 'ok';
      status.textContent = ' deposited ' + money(done.amount) + ' ' + done.currency + ' (key ' + done.idempotencyKey + ')';
    } catch (ex) {
      if (ex.status >= 400 && ex.status < 500) {
        // Refused (bad amount, another currency): nothing was written, a new try is new.
        pendingDeposit = null;
      }
      status.className = 'error';
      status.textContent = ' ' + problemText(ex);
    } finally {
      $('deposit-submit').disabled = false;
    }
  }

  $('account-lookup').addEventListener('submit', (event) => {
    event.preventDefault();
    showAccount($('account-customer').value.trim());
  });
  $('deposit').addEventListener('submit', (event) => {
    event.preventDefault();
    deposit();
  });

  // Webhooks (docs/webhooks.md): merchants' endpoints, their notifications and every POST.
  // Everything shown comes from the API and is put in the page as text, never as markup:
  // URLs, descriptions and errors are whatever an admin or a receiver sent.
  const EVENT_CHECKBOXES = ['webhook-event-confirmed', 'webhook-event-cancelled'];
  const NOTIFICATION_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'];
  // What stays open across a refresh: endpoints whose notifications are shown (with
  // their status filter) and notifications whose attempts are shown.
  const openNotifications = new Map();
  const openAttempts = new Set();

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function button(id, text, onClick) {
    const node = element('button', text);
    node.type = 'button';
    node.id = id;
    node.addEventListener('click', onClick);
    return node;
  }

  function table(id, headings) {
    const node = document.createElement('table');
    node.id = id;
    const row = node.createTHead().insertRow();
    for (const heading of headings) {
      row.appendChild(element('th', heading));
    }
    node.createTBody();
    return node;
  }

  // The schedule's steps as the API gives them (Java's PT15S, PT1M30S) read as 15s, 1m30s.
  function step(iso) {
    const parts = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso || '');
    if (!parts) {
      return iso;
    }
    return [[parts[1], 'h'], [parts[2], 'm'], [parts[3], 's']].filter(([n]) => n).map(([n, unit]) => n + unit).join('');
  }

  function counts(notifications) {
    return NOTIFICATION_STATUSES.map((status) => (notifications && notifications[status] || 0) + ' ' + status)
      .join(', ');
  }

  async function loadWebhooks() {
    const container = $('webhook-endpoints');
    try {
      const view = await api('webhooks');
      $('webhooks-summary').textContent = view.pending + ' notification(s) pending'
        + (view.pending > 0 ? ', oldest ' + age(Math.round(view.oldestSeconds)) : '')
        + '; retry schedule ' + (view.retrySchedule || []).map(step).join(', ') + ', then FAILED';
      const groups = await Promise.all(view.endpoints.map(endpointView));
      for (const id of Array.from(openNotifications.keys())) {
        if (!view.endpoints.some((endpoint) => endpoint.id === id)) {
          openNotifications.delete(id);
        }
      }
      if (groups.length === 0) {
        container.replaceChildren(element('p', 'No endpoint registered.', 'muted'));
      } else {
        container.replaceChildren(...groups);
      }
    } catch (ex) {
      if (ex.status !== 401) {
        problem(container, ex);
      }
    }
  }

  async function endpointView(endpoint) {
    const id = endpoint.id;
    const div = element('div', null, 'group webhook');
    div.id = 'webhook-' + id;
    const title = element('h3', '#' + id + ' ' + endpoint.url);
    title.id = 'webhook-url-' + id;
    const state = element('span', endpoint.status, endpoint.status === 'ACTIVE' ? 'ok' : 'warn');
    state.id = 'webhook-state-' + id;
    const details = element('p', null, 'muted');
    details.id = 'webhook-details-' + id;
    details.textContent = (endpoint.description ? endpoint.description + '; ' : '') + 'events '
      + endpoint.events.join(', ') + '; notifications: ' + counts(endpoint.notifications)
      + '; registered ' + time(endpoint.createdAt)
      + (endpoint.previousSecretUntil && new Date(endpoint.previousSecretUntil) > new Date()
        ? '; the previous secret also signs until ' + time(endpoint.previousSecretUntil) : '');
    const active = endpoint.status === 'ACTIVE';
    const actions = [
      button('webhook-toggle-' + id, active ? 'Disable' : 'Enable',
        () => endpointAction(id, () => api('webhooks/' + id + (active ? '/disable' : '/enable'), 'POST'),
          (r) => 'endpoint ' + r.status)),
      button('webhook-rotate-' + id, 'Rotate secret', () => endpointAction(id,
        () => api('webhooks/' + id + '/rotate-secret', 'POST'), (r) => {
          showSecret('New signing secret of endpoint #' + id + ' ' + r.url
            + (r.previousSecretUntil ? ' (the previous one also signs until ' + time(r.previousSecretUntil) + ')' : ''),
          r.secret, null);
          return 'secret rotated';
        })),
      button('webhook-redeliver-failed-' + id, 'Redeliver every FAILED', () => endpointAction(id,
        () => api('webhooks/' + id + '/redeliver-failed', 'POST'), (r) => r.redelivered + ' notification(s) redelivered')),
      button('webhook-delete-' + id, 'Delete', () => {
        if (window.confirm('Delete endpoint #' + id + ' (' + endpoint.url + ')? Its pending notifications become'
          + ' FAILED and its secrets are erased.')) {
          endpointAction(id, () => api('webhooks/' + id, 'DELETE'), () => 'endpoint #' + id + ' deleted');
        }
      }),
      button('webhook-show-' + id, openNotifications.has(id) ? 'Hide notifications' : 'Show notifications', () => {
        if (openNotifications.has(id)) {
          openNotifications.delete(id);
        } else {
          openNotifications.set(id, '');
        }
        endpointAction(id, () => Promise.resolve(null), () => '');
      })
    ];
    const status = element('span', null, 'muted');
    status.id = 'webhook-status-' + id;
    div.append(title, state, details, ...actions, status);
    if (openNotifications.has(id)) {
      div.append(await notificationsView(id));
    }
    return div;
  }

  async function notificationsView(id) {
    const filter = document.createElement('select');
    filter.id = 'webhook-filter-' + id;
    for (const value of [''].concat(NOTIFICATION_STATUSES)) {
      const option = element('option', value || 'every status');
      option.value = value;
      filter.appendChild(option);
    }
    filter.value = openNotifications.get(id);
    filter.addEventListener('change', () => {
      openNotifications.set(id, filter.value);
      endpointAction(id, () => Promise.resolve(null), () => '');
    });
    const reload = button('webhook-reload-' + id, 'Reload',
      () => endpointAction(id, () => Promise.resolve(null), () => ''));
    const heading = element('h3', 'Notifications, newest first');
    const notifications = table('webhook-notifications-' + id, ['webhook-id', 'order', 'event', 'version', 'status',
      'attempts', 'last answer', 'created', 'finished', '']);
    const body = notifications.tBodies[0];
    try {
      const status = openNotifications.get(id);
      const list = await api('webhooks/' + id + '/notifications?limit=50'
        + (status ? '&status=' + encodeURIComponent(status) : ''));
      if (list.length === 0) {
        const td = cell(body.insertRow(), 'No notifications' + (status ? ' ' + status : '') + '.', 'muted');
        td.colSpan = 10;
      }
      for (const n of list) {
        notificationRows(body, n);
      }
    } catch (ex) {
      if (ex.status === 401) {
        throw ex;
      }
      const td = cell(body.insertRow(), 'Could not load: ' + ex.message, 'error');
      td.colSpan = 10;
    }
    const div = element('div', null, 'notifications');
    div.append(heading, filter, reload, notifications);
    return div;
  }

  function lastAnswer(n) {
    if (n.lastStatus === null && !n.lastError) {
      return null;
    }
    return [n.lastStatus === null ? null : 'HTTP ' + n.lastStatus, clip(n.lastError, 120)].filter((x) => x).join(': ');
  }

  function notificationRows(body, n) {
    const row = body.insertRow();
    row.id = 'webhook-notification-' + n.id;
    cell(row, n.webhookId, 'mono');
    cell(row, n.orderId, 'mono');
    cell(row, n.eventType);
    cell(row, n.orderVersion);
    cell(row, n.status, n.status === 'FAILED' ? 'error' : (n.status === 'DELIVERED' ? 'ok' : ''));
    cell(row, n.attempts);
    cell(row, lastAnswer(n));
    cell(row, time(n.createdAt));
    cell(row, n.finishedAt ? time(n.finishedAt) : (n.status === 'PENDING' ? 'next ' + time(n.nextAttemptAt) : null));
    const actions = row.insertCell();
    const open = openAttempts.has(n.id);
    actions.append(
      button('webhook-attempts-toggle-' + n.id, (open ? 'Hide' : 'Show') + ' attempts (' + n.attemptLog.length + ')',
        () => {
          if (openAttempts.has(n.id)) {
            openAttempts.delete(n.id);
          } else {
            openAttempts.add(n.id);
          }
          endpointAction(n.endpointId, () => Promise.resolve(null), () => '');
        }),
      button('webhook-redeliver-' + n.id, 'Redeliver', () => endpointAction(n.endpointId,
        () => api('webhooks/notifications/' + n.id + '/redeliver', 'POST'),
        (r) => 'notification ' + r.webhookId + ' ' + r.status + ' again, due now')));
    if (open) {
      const attemptsRow = body.insertRow();
      attemptsRow.className = 'attempts';
      const td = attemptsRow.insertCell();
      td.colSpan = 10;
      const attempts = table('webhook-attempts-' + n.id, ['attempt', 'started', 'outcome', 'HTTP status', 'latency',
        'error', 'dispatcher']);
      td.appendChild(attempts);
      fillTable(attempts, n.attemptLog, attemptColumns(), 'No attempt yet.');
    }
  }

  function attemptColumns() {
    return [
      (a) => [a.attemptNo], (a) => [time(a.startedAt)], (a) => [a.outcome, a.outcome === 'DELIVERED' ? 'ok' : ''],
      (a) => [a.httpStatus], (a) => [a.latencyMs === null ? null : a.latencyMs + ' ms'], (a) => [clip(a.error, 256)],
      (a) => [a.dispatcher, 'mono']
    ];
  }

  // Runs an endpoint's action, then shows the endpoints again with the action's outcome
  // beside the endpoint (or above the list, if it is gone).
  async function endpointAction(id, request, done) {
    const group = $('webhook-' + id);
    const buttons = group ? Array.from(group.querySelectorAll('button, select')) : [];
    buttons.forEach((b) => { b.disabled = true; });
    let message;
    let className = 'muted';
    try {
      message = done(await request());
    } catch (ex) {
      if (ex.status === 401) {
        return;
      }
      message = ex.message;
      className = 'error';
    }
    await loadWebhooks();
    buttons.forEach((b) => { b.disabled = false; });
    const beside = $('webhook-status-' + id);
    $('webhooks-status').textContent = '';
    const status = beside || $('webhooks-status');
    status.className = className;
    status.textContent = message ? ' ' + message : '';
  }

  function showSecret(title, secret, queryToken) {
    $('webhook-secret-title').textContent = title;
    $('webhook-secret-value').textContent = secret;
    $('webhook-query-token-value').textContent = queryToken || '';
    $('webhook-query-token-row').hidden = !queryToken;
    $('webhook-secret-copied').textContent = '';
    $('webhook-secret').hidden = false;
  }

  function hideSecret() {
    $('webhook-secret').hidden = true;
    $('webhook-secret-title').textContent = '';
    $('webhook-secret-value').textContent = '';
    $('webhook-query-token-value').textContent = '';
  }

  async function copy(valueId, what) {
    const text = $(valueId).textContent;
    try {
      await navigator.clipboard.writeText(text);
      $('webhook-secret-copied').textContent = what + ' copied to the clipboard.';
    } catch (ex) {
      // No clipboard (an insecure origin, a refused permission): select it for a copy by hand.
      window.getSelection().selectAllChildren($(valueId));
      $('webhook-secret-copied').textContent = 'The browser refused the clipboard: ' + what
        + ' is selected, copy it by hand.';
    }
  }

  async function registerWebhook() {
    const status = $('webhook-register-status');
    const events = EVENT_CHECKBOXES.map((id) => $(id)).filter((box) => box.checked).map((box) => box.value);
    if (events.length === 0) {
      status.className = 'error';
      status.textContent = ' Choose at least one event.';
      return;
    }
    const request = { url: $('webhook-url').value.trim(), events: events };
    const description = $('webhook-description').value.trim();
    if (description) {
      request.description = description;
    }
    $('webhook-register-submit').disabled = true;
    status.className = 'muted';
    status.textContent = ' registering...';
    try {
      const registered = await api('webhooks', 'POST', request);
      $('webhook-register').reset();
      status.className = 'ok';
      status.textContent = ' registered endpoint #' + registered.id;
      showSecret('Endpoint #' + registered.id + ' ' + registered.url + ' registered', registered.secret,
        registered.queryToken);
      await loadWebhooks();
    } catch (ex) {
      if (ex.status !== 401) {
        status.className = 'error';
        status.textContent = ' ' + ex.message;
      }
    } finally {
      $('webhook-register-submit').disabled = false;
    }
  }

  $('webhook-register').addEventListener('submit', (event) => {
    event.preventDefault();
    registerWebhook();
  });
  $('webhook-secret-copy').addEventListener('click', () => copy('webhook-secret-value', 'The secret'));
  $('webhook-query-token-copy').addEventListener('click',
    () => copy('webhook-query-token-value', 'The query-back credential'));
  $('webhook-secret-dismiss').addEventListener('click', hideSecret);

  async function refresh() {
    try {
      // The order database answers first; consumer-service's parts fail on their own.
      await Promise.all([loadTransactions(), loadCheckbacks(), loadOutbox('producer-service'), loadWebhooks(),
        loadHalves('producer-service')]);
      await Promise.all([loadReconciliation(), loadDeadLetters(), loadOutbox('consumer-service'),
        loadHalves('consumer-service')]);
      if (shownCustomer) {
        await showAccount(shownCustomer);
      }
      $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString();
    } catch (ex) {
      if (ex.status !== 401) {
        $('updated').textContent = 'Could not load: ' + ex.message;
        $('updated').className = 'error';
      }
    }
  }

  function signedIn(user) {
    $('login').hidden = true;
    $('content').hidden = false;
    $('refresh').hidden = false;
    $('sign-out').hidden = false;
    $('who').textContent = user;
    refresh();
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(KEY + '-user');
    hideSecret();
    $('content').hidden = true;
    $('refresh').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    $('login-error').textContent = message || '';
  }

  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const user = $('username').value;
    const bytes = new TextEncoder().encode(user + ':' + $('password').value);
    sessionStorage.setItem(KEY, btoa(String.fromCharCode(...bytes)));
    sessionStorage.setItem(KEY + '-user', user);
    $('password').value = '';
    $('login-error').textContent = '';
    signedIn(user);
  });
  $('refresh').addEventListener('click', refresh);
  $('sign-out').addEventListener('click', () => signOut(''));

  if (sessionStorage.getItem(KEY)) {
    signedIn(sessionStorage.getItem(KEY + '-user') || '');
  }
}());
