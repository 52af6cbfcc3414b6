import * as fs from 'fs';
import * as path from 'path';

import { nodesDownloadDir } from '../harness/installPackage';

/**
 * Makes the npm that n8n runs in its community-packages folder answer at once, offline.
 *
 * Opening a community node's details makes the editor call GET /rest/community-packages, for
 * which n8n runs `npm outdated` in <user folder>/.n8n/nodes. Without a reachable registry that
 * takes ~70 s, and the 1.x editor opens it for every node it shows: the browser's six
 * connections to the server fill up with these calls and the rest of the page (fonts, schemas,
 * node details) waits behind them. npm reads the folder's own .npmrc, so `offline=true` there
 * turns the look-up into an immediate "not cached" answer, as on a machine without network.
 */
export function makeCommunityNpmOffline(userFolder: string): void {
	const dir = nodesDownloadDir(userFolder);
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, '.npmrc'), 'offline=true\nfetch-retries=0\naudit=false\nfund=false\nupdate-notifier=false\n');
}
