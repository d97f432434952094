/** A test-only feature: a submode (`widget X`) and a hexmode-like data mode left with `quit`. */
import type { Feature } from '../../../src/lab/router/index.js';

const widgets = new WeakMap<object, Map<string, { color?: string; data: string[] }>>();

export function widgetsOf(router: object): Map<string, { color?: string; data: string[] }> {
  let map = widgets.get(router);
  if (!map) {
    map = new Map();
    widgets.set(router, map);
  }
  return map;
}

export const WIDGET_FEATURE: Feature = {
  name: 'widget',
  modes: [
    { id: 'config-widget', promptTag: 'config-widget', parent: 'config' },
    {
      id: 'widget-hexmode',
      promptTag: 'config-widget-hexmode',
      parent: 'config-widget',
      leaveWord: 'quit',
      rawLine: (ctx, line) => {
        if (!/^\s*[0-9A-Fa-f ]+$/.test(line)) return false;
        widgetsOf(ctx.router)
          .get(ctx.mode.target ?? '')
          ?.data.push(line.trim());
        return true;
      },
    },
  ],
  commands: [
    {
      modes: ['config'],
      syntax: 'widget <name>',
      negatable: true,
      run(ctx) {
        const name = ctx.params['name'] ?? '';
        if (ctx.negated) {
          widgetsOf(ctx.router).delete(name);
          return;
        }
        if (!widgetsOf(ctx.router).has(name)) widgetsOf(ctx.router).set(name, { data: [] });
        ctx.enterMode({ id: 'config-widget', target: name });
      },
    },
    {
      modes: ['config-widget'],
      syntax: 'color {red|green|blue}',
      run(ctx) {
        const w = widgetsOf(ctx.router).get(ctx.mode.target ?? '');
        if (w) w.color = ['red', 'green', 'blue'].find((c) => ctx.params[c] !== undefined);
      },
    },
    {
      modes: ['config-widget'],
      syntax: 'data',
      run(ctx) {
        ctx.enterMode({ id: 'widget-hexmode', target: ctx.mode.target });
      },
    },
    {
      modes: ['exec'],
      syntax: 'show widget [<name>]',
      run(ctx) {
        for (const [name, w] of widgetsOf(ctx.router)) {
          if (ctx.params['name'] === undefined || ctx.params['name'] === name)
            ctx.io.print(`widget ${name} color ${w.color ?? 'none'} data ${w.data.join('')}\n`);
        }
      },
    },
    {
      modes: ['exec'],
      syntax: 'widget crash',
      run() {
        throw new Error('widget exploded');
      },
    },
    {
      modes: ['exec'],
      syntax: 'widget ask',
      privileged: true,
      async run(ctx) {
        const answer = await ctx.io.ask('Favourite color? ');
        ctx.io.print(`You said [${answer}]\n`);
      },
    },
  ],
  render(state) {
    return [...widgetsOf(state)].map(([name, w]) => ({
      slot: 'ip-host' as const,
      lines: [`widget ${name}`, ...(w.color ? [` color ${w.color}`] : []), ...(w.data.length ? [' data', ...w.data.map((d) => `  ${d}`), '  \tquit'] : [])],
    }));
  },
};
