"""Fill the results block of training/README.md from a finished (or partial) run."""
import argparse
import csv
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--run', default=os.path.join(HERE, 'runs', 'fmnist32'))
    args = p.parse_args()
    cfg = json.load(open(os.path.join(args.run, 'export', 'config.json')))
    rows = list(csv.DictReader(open(os.path.join(args.run, 'log.csv'))))
    last = rows[-1] if rows else {}
    its = cfg.get('trained_iterations')
    minutes = cfg.get('trained_minutes')
    ev = open(os.path.join(args.run, 'export', 'eval.md')).read().strip()
    block = '\n'.join([
        '<!-- results:start -->',
        'Run: %s iterations in %s min of wall time (one shared CPU thread, bf16 autocast), '
        '%.2f iterations/s on average; final logged losses D_real %s, D_fake %s, G %s.' % (
            its, minutes, its / (minutes * 60) if its and minutes else 0,
            last.get('D_real'), last.get('D_fake'), last.get('G')),
        '',
        'Samples of the exported G_ema (rows: the 10 classes in index order; columns: 10 fixed '
        'seeds; left block truncation 1.0, right block 0.5):',
        '',
        '![class x seed sample sheet](samples.png)',
        '',
        ev,
        '<!-- results:end -->',
    ])
    path = os.path.join(HERE, 'README.md')
    text = open(path).read()
    text = re.sub(r'<!-- results:start -->.*<!-- results:end -->', lambda _m: block, text,
                  flags=re.S)
    open(path, 'w').write(text)
    print('updated', path)


if __name__ == '__main__':
    main()
