import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderLifecycle, paymentLifecycle } from '../modules/orders/status.ts';
import { shipmentLifecycle } from '../modules/shipments/status.ts';
import { ConflictError, IllegalTransitionError } from './errors.ts';
import { defineStateMachine, type StateMachine } from './state-machine.ts';

const door = defineStateMachine('door', {
  open: ['closed'],
  closed: ['open', 'locked'],
  locked: ['closed'],
});

function illegal(machine: string, from: string, to: string) {
  return (err: unknown) => {
    assert.ok(err instanceof IllegalTransitionError);
    assert.ok(err instanceof ConflictError);
    assert.equal(err.code, 'illegal_transition');
    assert.equal(err.status, 409);
    assert.deepEqual(err.details, { machine, from, to });
    assert.ok(err.message.includes(`"${from}"`) && err.message.includes(`"${to}"`), err.message);
    return true;
  };
}

/** States with no way out. */
function terminals<S extends string>(m: StateMachine<S>): S[] {
  return m.states.filter((s) => m.transitions[s].length === 0);
}

/** Every state reachable from `start`. */
function reachable<S extends string>(m: StateMachine<S>, start: S): Set<S> {
  const seen = new Set<S>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of m.transitions[queue.shift()!]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('defineStateMachine', () => {
  test('can() follows the table exactly', () => {
    assert.equal(door.can('open', 'closed'), true);
    assert.equal(door.can('closed', 'locked'), true);
    assert.equal(door.can('open', 'locked'), false);
    assert.equal(door.can('locked', 'open'), false);
    assert.equal(door.can('open', 'open'), false, 'no implicit self-transitions');
  });

  test('assert() passes legal moves and throws IllegalTransitionError for illegal ones', () => {
    door.assert('closed', 'locked');
    assert.throws(() => door.assert('locked', 'open'), illegal('door', 'locked', 'open'));
    assert.throws(() => door.assert('open', 'open'), illegal('door', 'open', 'open'));
  });

  test('states and isState', () => {
    assert.deepEqual([...door.states], ['open', 'closed', 'locked']);
    assert.equal(door.isState('locked'), true);
    assert.equal(door.isState('ajar'), false);
    assert.equal(door.isState(''), false);
    assert.equal(door.isState('toString'), false);
  });
});

const machines = [
  { m: orderLifecycle, start: 'placed', terminal: ['delivered', 'cancelled'] },
  { m: paymentLifecycle, start: 'pending', terminal: ['refunded', 'voided'] },
  {
    m: shipmentLifecycle,
    start: 'pending',
    terminal: ['delivered', 'expired', 'cancelled'],
  },
] as const;

describe('the real lifecycles', () => {
  for (const { m, start, terminal } of machines) {
    const machine = m as StateMachine<string>;
    test(`${m.name}: only ${terminal.join(', ')} are terminal, and nothing leaves them`, () => {
      assert.deepEqual(terminals(machine).sort(), [...terminal].sort());
      for (const from of terminal) {
        for (const to of machine.states) {
          assert.equal(machine.can(from, to), false, `${from} -> ${to}`);
          assert.throws(() => machine.assert(from, to), illegal(m.name, from, to));
        }
      }
    });

    test(`${m.name}: every state is reachable from ${start} and every move targets a known state`, () => {
      assert.deepEqual([...reachable(machine, start)].sort(), [...machine.states].sort());
      for (const from of machine.states) {
        for (const to of machine.transitions[from] ?? []) assert.ok(machine.isState(to), `${from} -> ${to}`);
      }
    });

    test(`${m.name}: every non-terminal state can still end in a terminal one`, () => {
      for (const s of machine.states) {
        const ends = [...reachable(machine, s)].filter((x) => (terminal as readonly string[]).includes(x));
        assert.ok(ends.length > 0, `${s} is a dead end`);
      }
    });
  }

  test('order: a delivered order never goes back; a shipped one can no longer be cancelled', () => {
    for (const to of ['placed', 'partially_shipped', 'shipped', 'cancelled'] as const) {
      assert.throws(() => orderLifecycle.assert('delivered', to), illegal('order', 'delivered', to));
    }
    assert.throws(
      () => orderLifecycle.assert('shipped', 'cancelled'),
      illegal('order', 'shipped', 'cancelled'),
    );
    // A voided shipment (label cancelled before pickup) may take a shipped order back to placed.
    orderLifecycle.assert('shipped', 'placed');
    assert.throws(
      () => orderLifecycle.assert('cancelled', 'placed'),
      illegal('order', 'cancelled', 'placed'),
    );
    orderLifecycle.assert('placed', 'cancelled');
    orderLifecycle.assert('partially_shipped', 'cancelled');
    orderLifecycle.assert('placed', 'delivered');
  });

  test('payment: refunds only after money came in; repeated partial refunds are allowed', () => {
    assert.equal(paymentLifecycle.can('pending', 'refunded'), false);
    assert.equal(paymentLifecycle.can('authorized', 'partially_refunded'), false);
    assert.equal(paymentLifecycle.can('paid', 'voided'), false);
    assert.equal(paymentLifecycle.can('paid', 'pending'), false);
    assert.equal(paymentLifecycle.can('paid', 'partially_refunded'), true);
    assert.equal(paymentLifecycle.can('partially_refunded', 'partially_refunded'), true);
    assert.equal(paymentLifecycle.can('partially_refunded', 'paid'), false);
  });

  test('shipment: a delivered parcel never goes back, a moving parcel cannot be cancelled', () => {
    for (const to of shipmentLifecycle.states) {
      assert.throws(() => shipmentLifecycle.assert('delivered', to), illegal('shipment', 'delivered', to));
    }
    for (const from of [
      'in_transit',
      'out_for_delivery',
      'attempt_fail',
      'available_for_pickup',
      'exception',
    ] as const) {
      assert.equal(shipmentLifecycle.can(from, 'cancelled'), false, `${from} -> cancelled`);
      assert.equal(shipmentLifecycle.can(from, 'pending'), false, `${from} -> pending`);
      assert.equal(shipmentLifecycle.can(from, 'info_received'), false, `${from} -> info_received`);
    }
    // After a failed delivery attempt the parcel can go back out.
    shipmentLifecycle.assert('attempt_fail', 'out_for_delivery');
    shipmentLifecycle.assert('exception', 'in_transit');
    shipmentLifecycle.assert('info_received', 'cancelled');
  });
});
