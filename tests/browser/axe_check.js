// One axe-core check of the page as it is now (see test_browser_accessibility.py).
//
// Every rule but colour contrast runs on the whole page; or, given `only`, just those rules
// (a check of the same page in its other colour scheme runs only axe's colour rules, which
// a check returns as `colour`: the rules of category cat.color that it ran). Colour contrast
// runs on the whole page too (on a phone: all but the article), except on text whose look an
// earlier check of the same walk already judged. A look is what the contrast of text depends
// on: its colour, size, weight and shadow, the opacity it is drawn with, and every background
// behind it down to the first opaque one. Only what axe judged (passed or failed) counts as
// judged: text it could not decide (hidden, clipped, covered) is checked again wherever its
// look comes back.
async ({judged, skipArticleContrast, only}) => {
    const known = new Set(judged);
    const styles = new Map();
    const style = element => {
        if (!styles.has(element)) styles.set(element, getComputedStyle(element));
        return styles.get(element);
    };
    const transparent = 'rgba(0, 0, 0, 0)';
    const look = element => {
        const own = style(element);
        const grounds = [];
        let opacity = 1;
        let opaque = false;
        for (let up = element; up; up = up.parentElement) {
            const s = style(up);
            opacity *= Number(s.opacity);
            const ground = s.backgroundColor !== transparent || s.backgroundImage !== 'none';
            if (!opaque && ground) {
                grounds.push(`${s.backgroundColor} ${s.backgroundImage}`);
                opaque = s.backgroundImage === 'none' && s.backgroundColor.startsWith('rgb(');
            }
        }
        return [own.color, own.fontSize, own.fontWeight, own.textShadow, opacity, ...grounds]
            .join(' | ');
    };
    const hasText = element => [...element.childNodes]
        .some(node => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== '');

    // Bottom up: an element may be left out when neither it nor anything in it has text of a
    // look not yet judged. Only the outermost such elements are marked.
    const looks = new Map();
    const skippable = new Map();
    const visit = element => {
        let skip = true;
        for (const child of element.children) skip = visit(child) && skip;
        if (hasText(element)) {
            looks.set(element, look(element));
            skip = skip && known.has(looks.get(element));
        }
        skippable.set(element, skip);
        return skip;
    };
    visit(document.body);
    const marked = [...skippable]
        .filter(([element, skip]) => skip && !skippable.get(element.parentElement))
        .map(([element]) => element);
    marked.forEach(element => element.setAttribute('data-ptn-judged', ''));

    try {
        const others = only === null
            ? {rules: {'color-contrast': {enabled: false}}}
            : {runOnly: {type: 'rule', values: only.filter(id => id !== 'color-contrast')}};
        const rest = others.runOnly && others.runOnly.values.length === 0
            ? {violations: [], passes: [], incomplete: [], inapplicable: []}
            : await axe.run(document, {resultTypes: ['violations'], ...others});
        const exclude = [['[data-ptn-judged]']];
        if (skipArticleContrast) exclude.push(['article']);
        const contrast = await axe.run({include: [['body']], exclude}, {
            runOnly: {type: 'rule', values: ['color-contrast']},
            resultTypes: ['violations', 'passes'],
            elementRef: true,
        });
        const decided = [...contrast.violations, ...contrast.passes]
            .flatMap(rule => rule.nodes)
            .map(node => looks.get(node.element))
            .filter(key => key !== undefined);
        const plain = rule => ({
            id: rule.id,
            impact: rule.impact,
            nodes: rule.nodes.map(({target, any, all, none}) => ({target, any, all, none})),
        });
        const reported = [rest, contrast]
            .flatMap(r => [...r.violations, ...r.passes, ...r.incomplete, ...r.inapplicable])
            .map(rule => rule.id);
        const colourRules = new Set(axe.getRules(['cat.color']).map(rule => rule.ruleId));
        return {
            violations: [...rest.violations, ...contrast.violations].map(plain),
            passes: rest.passes.length + contrast.passes.length,
            reported: [...new Set(reported)],
            colour: [...new Set(reported)].filter(id => colourRules.has(id)),
            judged: [...new Set(decided)].filter(key => !known.has(key)),
            left_out: marked.length,
        };
    } finally {
        marked.forEach(element => element.removeAttribute('data-ptn-judged'));
    }
}
