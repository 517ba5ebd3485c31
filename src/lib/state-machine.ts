import { IllegalTransitionError } from './errors.ts';

/**
 * A lifecycle written as a transitions table: for each state, the states it may move to.
 * Keeping it as data makes the rules readable in one place and lets docs and tests enumerate them.
 */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

export interface StateMachine<S extends string> {
  readonly name: string;
  readonly states: readonly S[];
  readonly transitions: Transitions<S>;
  can(from: S, to: S): boolean;
  /** Throws IllegalTransitionError unless `from -> to` is in the table. */
  assert(from: S, to: S): void;
  isState(value: string): value is S;
}

export function defineStateMachine<S extends string>(
  name: string,
  transitions: Readonly<Record<S, readonly NoInfer<S>[]>>,
): StateMachine<S> {
  const states = Object.keys(transitions) as S[];
  return {
    name,
    states,
    transitions,
    can: (from, to) => transitions[from]?.includes(to) ?? false,
    assert(from, to) {
      if (!this.can(from, to)) throw new IllegalTransitionError(name, from, to);
    },
    isState: (value): value is S => (states as string[]).includes(value),
  };
}
